import { setTimeout as sleep } from 'node:timers/promises'
import type { Admin } from 'kafkajs'

/** A topic to create if it does not exist yet. */
export interface TopicSpec {
  topic: string
  numPartitions?: number
  replicationFactor?: number
  /** Topic-level settings, e.g. `[{ name: 'min.insync.replicas', value: '2' }]`. */
  configEntries?: { name: string; value: string }[]
}

/** Metadata that is briefly missing while the broker (or another client's creation) settles. */
const NOT_READY = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_CONTROLLER'])

/**
 * Whether a `createTopics` failure may pass if tried again: kafkajs marks it `retriable` (a connection
 * error, a broker not ready), it is metadata not ready yet, or kafkajs gave up retrying such an error itself.
 * A batch error (one per topic) is retriable when each of its errors is, or says the topic already exists.
 */
function worthRetrying(err: unknown): boolean {
  const e = err as { retriable?: unknown; type?: unknown; name?: unknown; cause?: unknown; errors?: unknown }
  if (e === null || typeof e !== 'object') return false
  if (Array.isArray(e.errors)) {
    return e.errors.every(
      (sub: { type?: unknown }) => sub?.type === 'TOPIC_ALREADY_EXISTS' || worthRetrying(sub),
    )
  }
  if (e.retriable === true) return true
  if (typeof e.type === 'string' && NOT_READY.has(e.type)) return true
  return e.name === 'KafkaJSNumberOfRetriesExceeded' && e.cause !== err && worthRetrying(e.cause)
}

/**
 * Create topics unless they exist, then wait until every partition has a leader (at most `timeoutMs`).
 *
 * Safe when several clients create the same topics at once (parallel test files on one shared broker):
 * kafkajs answers `false` (it does not throw) when the topics already exist, and metadata that is briefly
 * missing while another client's creation completes is waited out. Other failures are retried only when
 * kafkajs marks them retriable (or they are metadata not ready yet); a permanent one, such as an invalid
 * replication factor, is thrown at once. The wait polls metadata instead of kafkajs's `waitForLeaders`,
 * which gives up on "This server does not host this topic-partition" in that window. A leader in the metadata
 * is not yet a leader that takes writes (KRaft publishes the metadata before the broker opens the partition's
 * log, and a produce in between is answered NOT_LEADER_OR_FOLLOWER): the wait ends when each topic's offsets,
 * asked of its leaders, are answered.
 *
 * @example
 * ```ts
 * await ensureTopics(admin, [{ topic: 'gracedb-test.gstlal', numPartitions: 3 }])
 * ```
 */
export async function ensureTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
  timeoutMs = 30_000,
): Promise<void> {
  const until = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      // true: created; false: they all existed already. Either way, wait for leaders below.
      await admin.createTopics({ topics: specs.map((s) => ({ ...s })), waitForLeaders: false })
      break
    } catch (err) {
      if (!worthRetrying(err) || Date.now() > until) throw err
      lastError = err
      await sleep(200)
    }
  }
  const names = specs.map((s) => s.topic)
  for (;;) {
    const meta = await admin.fetchTopicMetadata({ topics: names }).catch((err: unknown) => {
      lastError = err
      return undefined
    })
    const ready =
      meta !== undefined &&
      names.every((name) => {
        const parts = meta.topics.find((t) => t.name === name)?.partitions ?? []
        return parts.length > 0 && parts.every((p) => p.leader >= 0)
      })
    if (ready && (await writable(admin, names, until))) return
    if (Date.now() > until) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : ''
      throw new Error(`testkit: topics ${names.join(', ')} have no leaders after ${timeoutMs / 1000} s${why}`)
    }
    await sleep(100)
  }
}

/**
 * Whether every partition of `names` answers ListOffsets on its leader (the partition is open there), asking
 * again while the answer is retriable, until `until`. A permanent failure is thrown.
 */
async function writable(admin: Admin, names: readonly string[], until: number): Promise<boolean> {
  for (const name of names) {
    for (;;) {
      try {
        await admin.fetchTopicOffsets(name)
        break
      } catch (err) {
        if (!worthRetrying(err)) throw err
        if (Date.now() > until) return false
        await sleep(100)
      }
    }
  }
  return true
}
