import { MAX_TOPIC_LENGTH } from '@gracedb-kafka/topics'

/**
 * The checks and hints behind `parseOptions`' errors: "did you mean" for a mistyped key, the keys a schema
 * knows, and the checks every schema built on the shared connection shape gets after parsing.
 */
const TOPIC_CHARS = /^[A-Za-z0-9._-]+$/
const INSTANCE_CHARS = /^[A-Za-z0-9_-]+$/

/** Edit distance, for "did you mean". */
const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0] ?? 0
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = row[j] ?? 0
      row[j] = Math.min(up + 1, (row[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = up
    }
  }
  return row[b.length] ?? 0
}

/** The known key closest to `key` (snake_case, case and up to two typos forgiven), if one is close. */
export function closestOption(key: string, known: readonly string[]): string | undefined {
  const camel = key.replace(/[_-]+([a-z0-9])/gi, (_, c: string) => c.toUpperCase())
  const folded = camel.toLowerCase()
  let best: { name: string; d: number } | undefined
  for (const name of known) {
    if (name.toLowerCase() === folded) return name
    const d = distance(folded, name.toLowerCase())
    if (d <= Math.min(2, Math.floor(name.length / 3)) && (best === undefined || d < best.d))
      best = { name, d }
  }
  return best?.name
}

/** The top-level keys a schema accepts (through refinements, pipes, defaults), or `[]` when unknown. */
export function knownKeys(schema: unknown): string[] {
  for (let s = schema as Record<string, unknown> | undefined, depth = 0; s && depth < 8; depth++) {
    const shape = (s as { shape?: unknown }).shape
    if (shape && typeof shape === 'object') return Object.keys(shape)
    const def = (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def
    s = (def?.in ?? def?.innerType ?? def?.schema) as Record<string, unknown> | undefined
  }
  return []
}

/**
 * What is wrong with a requested SciToken scope string, as scitokens' Enforcer would refuse it: `read` or
 * `write` without a path, or a relative path. `undefined` when it is fine.
 *
 * @example
 * ```ts
 * tokenScopeProblem('read') // 'scope "read": "read" needs a path, e.g. "read:/"'
 * tokenScopeProblem('kafka.produce') // undefined
 * ```
 */
export function tokenScopeProblem(scope: string): string | undefined {
  for (const entry of scope.split(/\s+/).filter((e) => e !== '')) {
    const colon = entry.indexOf(':')
    const authz = colon === -1 ? entry : entry.slice(0, colon)
    const path = colon === -1 ? '' : entry.slice(colon + 1)
    if (path === '' && (authz === 'read' || authz === 'write')) {
      return `scope ${JSON.stringify(entry)}: "${authz}" needs a path, e.g. "${authz}:/"`
    }
    if (path !== '' && !path.startsWith('/')) {
      return `scope ${JSON.stringify(entry)}: the path must be absolute (start with "/")`
    }
  }
  if (scope.trim() === '') return 'expected at least one scope, e.g. "kafka.produce"'
  return undefined
}

/** Checks every schema built on the shared shape gets after parsing: the scope syntax, topic names. */
export function sharedProblem(value: unknown): { option: string; reason: string } | undefined {
  if (value === null || typeof value !== 'object') return undefined
  const v = value as Record<string, unknown>
  if (typeof v.tokenScope === 'string') {
    const bad = tokenScopeProblem(v.tokenScope)
    if (bad) return { option: 'tokenScope', reason: bad }
  }
  // The instance: `instanceName`, or the first label of `serviceUrl`'s host (zod has checked it is a URL).
  const instance =
    typeof v.instanceName === 'string'
      ? v.instanceName
      : typeof v.serviceUrl === 'string' && URL.canParse(v.serviceUrl)
        ? new URL(v.serviceUrl).hostname.split('.')[0]
        : undefined
  // The same instance rule for every client: non-empty, a-z A-Z 0-9 _ - (a dot would split the topic name).
  if (instance !== undefined && !INSTANCE_CHARS.test(instance)) {
    const option = typeof v.instanceName === 'string' ? 'instanceName' : 'serviceUrl'
    return {
      option,
      reason:
        option === 'instanceName'
          ? 'expected an instance name of a-z, A-Z, 0-9, "_" and "-" (no dot), e.g. "gracedb-dev"'
          : 'the first label of the host must be a usable instance name (a-z, A-Z, 0-9, "_", "-"), e.g. "https://gracedb-dev.ligo.org/api/"',
    }
  }
  if (Array.isArray(v.topics) && v.topics.length === 0) {
    return { option: 'topics', reason: 'expected at least one pipeline name (or leave "topics" out)' }
  }
  const topics: Array<[string, unknown]> = [
    ['topic', v.topic],
    ['topics', v.topics],
  ]
  if (Array.isArray(v.topics)) for (const [i, t] of v.topics.entries()) topics.push([`topics.${i}`, t])
  for (const [option, topic] of topics) {
    if (typeof topic !== 'string' || topic === '') continue
    if (!TOPIC_CHARS.test(topic)) {
      return { option, reason: 'expected a pipeline name of a-z, A-Z, 0-9, ".", "_" and "-"' }
    }
    const full = instance === undefined ? topic.length : instance.length + 1 + topic.length
    if (full > MAX_TOPIC_LENGTH) {
      return {
        option,
        reason: `the topic name would be ${full} characters long; Kafka allows at most ${MAX_TOPIC_LENGTH}`,
      }
    }
  }
  return undefined
}
