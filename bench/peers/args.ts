// Command-line flags of `npm run bench:peers -- [flags]`.
import { parseArgs } from 'node:util'

export const PARTS = ['producer', 'consumer', 'latency', 'rest', 'help'] as const
export type Part = (typeof PARTS)[number]

export interface PeersArgs {
  rounds: number
  messages: number
  only: Set<Part>
  latencyMessages: number
  rate: number
  calls: number
  /** createEvent calls each contender makes before its timed calls. */
  restWarmup: number
  fileBytes: number
  helpRuns: number
  /** Extra producer contenders: Python with compression none + idempotence, Java with 1 MiB batches. */
  extra: boolean
  /** Rewrite the README's performance table from this run. */
  readme: boolean
  /** Measure nothing: redraw latest.svg / latest.md (and with --readme the README) from latest.json. */
  render: boolean
  /** The broker's JVM: `kafka` (kafka-server-start.sh's options, the default) or `testkit` (the tests' quick start). */
  brokerJvm: BrokerJvm
}

export const BROKER_JVMS = ['kafka', 'testkit'] as const
export type BrokerJvm = (typeof BROKER_JVMS)[number]

const USAGE = `npm run bench:peers -- [flags]
  --rounds N              rotated rounds (default 3)
  --messages N            messages per producer / consumer run (default 100000)
  --only LIST             comma-separated subset of ${PARTS.join(',')} (default: all)
  --latency-messages N    messages of the end-to-end latency runs (default 2000)
  --rate N                their rate in msg/s (default 100)
  --calls N               createEvent calls per contender and round (default 300)
  --rest-warmup N         untimed createEvent calls before them, both sides (default 200; 10 until 2026-12-02)
  --file-bytes N          size of the createEvent file (default 16384)
  --help-runs N           timed --help runs per contender and round (default 5)
  --extra                 two more producer contenders: Python none + idempotent, Java with 1 MiB batches
  --readme                put this run's tables into README.md's performance section
  --render                measure nothing; redraw the chart and tables from bench/results/latest.json
  --broker-jvm kafka|testkit  the broker's JVM options: kafka-server-start.sh's (default: 1 GiB heap, G1, full
                          JIT), or the testkit's quick-start ones for tests (C1 JIT only, serial GC)`

export function parsePeersArgs(argv: string[]): PeersArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string' },
      messages: { type: 'string' },
      only: { type: 'string', multiple: true },
      'latency-messages': { type: 'string' },
      rate: { type: 'string' },
      calls: { type: 'string' },
      'rest-warmup': { type: 'string' },
      'file-bytes': { type: 'string' },
      'help-runs': { type: 'string' },
      readme: { type: 'boolean' },
      extra: { type: 'boolean' },
      render: { type: 'boolean' },
      'broker-jvm': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const int = (name: string, raw: string | undefined, fallback: number): number => {
    if (raw === undefined) return fallback
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`--${name} must be a positive integer, got ${raw}\n${USAGE}`)
    return n
  }
  const only = new Set<Part>()
  for (const item of (values.only ?? []).flatMap((s) => s.split(','))) {
    if (!(PARTS as readonly string[]).includes(item))
      throw new Error(`--only ${item}: not one of ${PARTS.join(', ')}`)
    only.add(item as Part)
  }
  const brokerJvm = (values['broker-jvm'] ?? 'kafka') as BrokerJvm
  if (!BROKER_JVMS.includes(brokerJvm))
    throw new Error(`--broker-jvm ${brokerJvm}: not one of ${BROKER_JVMS.join(', ')}\n${USAGE}`)
  return {
    brokerJvm,
    rounds: int('rounds', values.rounds, 3),
    messages: int('messages', values.messages, 100_000),
    only: only.size > 0 ? only : new Set(PARTS),
    latencyMessages: int('latency-messages', values['latency-messages'], 2000),
    rate: int('rate', values.rate, 100),
    calls: int('calls', values.calls, 300),
    restWarmup: int('rest-warmup', values['rest-warmup'], 200),
    fileBytes: int('file-bytes', values['file-bytes'], 16 * 1024),
    helpRuns: int('help-runs', values['help-runs'], 5),
    readme: values.readme ?? false,
    extra: values.extra ?? false,
    render: values.render ?? false,
  }
}
