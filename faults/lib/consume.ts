// Run a GraceDbKafkaConsumer's stream() in this process and account for what it handed out.
import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'

/** Counters of a {@link consumeInBackground} run. */
export interface ConsumeRun {
  /** Sequence number → how many times stream() handed it out. */
  readonly seen: Map<number, number>
  /** Messages handed out, duplicates included. */
  readonly processed: number
  /** Errors that reached the caller: thrown by stream() or commit(). */
  readonly errors: string[]
  /** Consumers created: 1, plus one for each time stream() threw and the loop started over. */
  readonly sessions: number
  /** Most messages handed out and not yet covered by a resolved commit() at any time. */
  readonly maxUncommitted: number
  /** Longest time between two messages handed out (ms), after the first one. */
  readonly longestGapMs: number
  /** Stop the consumer and wait for the loop to end (bounded by `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>
}

const describe = (err: unknown): string =>
  `${(err as Error)?.name ?? 'Error'} ${(err as { code?: string })?.code ?? ''}: ${(err as Error)?.message ?? String(err)}`

/**
 * Consume with `stream()` until stopped. With `commitEvery: 1`, `await commit(message)` after each message,
 * as the consumer README recommends; with `commitEvery: k > 1`, `await commit()` (everything handed out)
 * after every k-th message. If stream() or commit() throws, the error is recorded and a new consumer (same
 * group) carries on, so the figures still cover every message; at most `maxSessions` consumers.
 */
export function consumeInBackground(
  options: ConstructorParameters<typeof GraceDbKafkaConsumer>[0],
  { commitEvery = 0, maxSessions = 5 }: { commitEvery?: number; maxSessions?: number } = {},
): ConsumeRun {
  const seen = new Map<number, number>()
  const errors: string[] = []
  let processed = 0
  let sessions = 0
  let uncommitted = 0
  let maxUncommitted = 0
  let lastAt = 0
  let longestGapMs = 0
  let stopped = false
  let current: GraceDbKafkaConsumer | undefined
  const loop = (async () => {
    while (!stopped && sessions < maxSessions) {
      sessions++
      const consumer = new GraceDbKafkaConsumer(options)
      current = consumer
      try {
        for await (const msg of consumer.stream({ timeout: 0.5 })) {
          const n = (msg.value as { n: number }).n
          seen.set(n, (seen.get(n) ?? 0) + 1)
          processed++
          const now = Date.now()
          if (lastAt > 0) longestGapMs = Math.max(longestGapMs, now - lastAt)
          lastAt = now
          if (commitEvery > 0) {
            uncommitted++
            maxUncommitted = Math.max(maxUncommitted, uncommitted)
            if (uncommitted >= commitEvery) {
              await (commitEvery === 1 ? consumer.commit(msg) : consumer.commit())
              uncommitted = 0
            }
          }
        }
      } catch (err) {
        errors.push(describe(err))
      } finally {
        await consumer.close().catch((err: unknown) => errors.push(`close: ${describe(err)}`))
      }
    }
  })()
  return {
    seen,
    get processed() {
      return processed
    },
    errors,
    get sessions() {
      return sessions
    },
    get maxUncommitted() {
      return maxUncommitted
    },
    get longestGapMs() {
      return longestGapMs
    },
    async stop(timeoutMs = 30_000): Promise<void> {
      stopped = true
      current?.stop()
      let timer: NodeJS.Timeout | undefined
      await Promise.race([loop, new Promise((r) => (timer = setTimeout(r, timeoutMs)))])
      clearTimeout(timer)
    },
  }
}
