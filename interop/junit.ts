// Read the outcome of every test from a JUnit XML report (what `pytest --junitxml` writes), without an XML
// dependency: pytest's report is flat (<testsuite><testcase .../></testsuite>) and escapes its attributes.

/** One `<testcase>` of a JUnit report. */
export interface JunitCase {
  /** `classname`, e.g. `ligo.gracedb.kafka.test.integration.test_kafka_integration.TestKafkaErrorHandling`. */
  classname: string
  /** The test function, e.g. `test_ping_missing_topic`. */
  name: string
  outcome: 'passed' | 'failed' | 'error' | 'skipped'
  /** The failure, error or skip message (empty when passed). */
  message: string
  /** Seconds, as reported. */
  time: number
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(ref.slice(2), 16))
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10))
    return ENTITIES[ref] ?? whole
  })
}

function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of text.matchAll(/([\w:.-]+)="([^"]*)"/g)) out[m[1]!] = unescapeXml(m[2]!)
  return out
}

/**
 * Every `<testcase>` of a JUnit XML report, in report order. A case with a `<failure>` is `failed`, with an
 * `<error>` (e.g. a fixture that raised) `error`, with a `<skipped>` `skipped`, otherwise `passed`.
 *
 * @example
 * ```ts
 * const cases = parseJunit(await readFile('junit.xml', 'utf8'))
 * const notPassed = cases.filter((c) => c.outcome !== 'passed')
 * ```
 */
export function parseJunit(xml: string): JunitCase[] {
  const cases: JunitCase[] = []
  for (const m of xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const attrs = attributes(m[1]!)
    const body = m[2] ?? ''
    let outcome: JunitCase['outcome'] = 'passed'
    let message = ''
    for (const kind of ['failure', 'error', 'skipped'] as const) {
      const found = body.match(new RegExp(`<${kind}\\b([^>]*?)(?:/>|>([\\s\\S]*?)</${kind}>)`))
      if (found) {
        outcome = kind === 'failure' ? 'failed' : kind
        message = attributes(found[1]!).message ?? unescapeXml(found[2] ?? '').trim()
        break
      }
    }
    cases.push({
      classname: attrs.classname ?? '',
      name: attrs.name ?? '',
      outcome,
      message,
      time: Number(attrs.time ?? Number.NaN),
    })
  }
  return cases
}
