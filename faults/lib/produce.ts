// Drive a GraceDbKafkaProducer at a steady rate and account for every message's outcome.
import { setTimeout as sleep } from 'node:timers/promises'
import type { DeliveryReport, GraceDbKafkaProducer } from '@gracedb-kafka/producer'

/** What happened to the messages of a {@link SteadyRun}. */
export interface Outcomes {
  /** Sequence number → its delivery report (the first one). */
  acked: Map<number, DeliveryReport>
  /** Sequence number → the error its delivery reported, or that `produce()` threw. */
  failed: Map<number, unknown>
  /** Sequence numbers whose outcome was reported more than once (through `onDelivery`). */
  reportedTwice: Set<number>
  /** Failures in order, with the ms since the run started: the first ones are printed. */
  failureLog: { n: number; atMs: number; error: string }[]
}

/** A producing run started by {@link produceSteadily}. */
export interface SteadyRun extends Outcomes {
  /** How many messages have been handed to `produce()` so far. */
  readonly produced: number
  /** Resolves once every message has been handed to `produce()`. */
  readonly done: Promise<void>
  /** Resolves when every message of this run has an outcome, or after `timeoutMs`; returns how many have none. */
  settled(timeoutMs: number): Promise<number>
}

/** The message value: a sequence number plus `padBytes` of filler. */
function value(n: number, pad: string): Record<string, unknown> {
  return { n, pad }
}

const describe = (err: unknown): string =>
  `${(err as Error)?.name ?? 'Error'} ${(err as { code?: string })?.code ?? ''}: ${(err as Error)?.message ?? String(err)}`

/**
 * Produce `total` messages `{ n, pad }` with sequence numbers `from`.. at `perSecond`, keyed by `key(n)`.
 * Each outcome is recorded through both the returned promise and `onDelivery`, so a message reported twice
 * is seen.
 */
export function produceSteadily(
  producer: GraceDbKafkaProducer,
  opts: {
    total: number
    perSecond: number
    key: (n: number) => string
    padBytes?: number
    from?: number
    outcomes?: Outcomes
  },
): SteadyRun {
  const pad = 'x'.repeat(opts.padBytes ?? 0)
  const from = opts.from ?? 0
  const outcomes: Outcomes = opts.outcomes ?? {
    acked: new Map(),
    failed: new Map(),
    reportedTwice: new Set(),
    failureLog: [],
  }
  const start = Date.now()
  const reports = new Map<number, number>()
  const pending: Promise<unknown>[] = []
  let produced = 0
  let unsettled = 0
  const fail = (n: number, err: unknown): void => {
    if (!outcomes.failed.has(n)) outcomes.failed.set(n, err)
    outcomes.failureLog.push({ n, atMs: Date.now() - start, error: describe(err) })
  }
  const done = (async () => {
    for (let i = 0; i < opts.total; i++) {
      const n = from + i
      const due = start + (i * 1000) / opts.perSecond
      if (due > Date.now()) await sleep(due - Date.now())
      try {
        const p = producer.produce(value(n, pad), {
          key: opts.key(n),
          onDelivery: () => {
            const count = (reports.get(n) ?? 0) + 1
            reports.set(n, count)
            if (count > 1) outcomes.reportedTwice.add(n)
          },
        })
        unsettled++
        pending.push(
          p.then(
            (report) => {
              unsettled--
              if (!outcomes.acked.has(n)) outcomes.acked.set(n, report)
            },
            (err: unknown) => {
              unsettled--
              fail(n, err)
            },
          ),
        )
      } catch (err) {
        fail(n, err)
      }
      produced++
    }
  })()
  const run: SteadyRun = {
    acked: outcomes.acked,
    failed: outcomes.failed,
    reportedTwice: outcomes.reportedTwice,
    failureLog: outcomes.failureLog,
    get produced() {
      return produced
    },
    done,
    async settled(timeoutMs: number): Promise<number> {
      await done
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        Promise.allSettled(pending),
        new Promise((r) => {
          timer = setTimeout(r, timeoutMs)
        }),
      ])
      clearTimeout(timer)
      return unsettled
    },
  }
  return run
}

/** The first distinct failure kinds, with when they happened, for the printed figures. */
export function firstFailures(o: Outcomes, max = 5): string[] {
  const kinds = new Map<string, string>()
  for (const f of o.failureLog)
    if (!kinds.has(f.error)) kinds.set(f.error, `${f.error} (first at ${(f.atMs / 1000).toFixed(1)} s)`)
  return [...kinds.values()].slice(0, max)
}
