import type { Admin } from 'kafkajs'

/** A topic to create if it does not exist yet. */
export interface TopicSpec {
  topic: string
  numPartitions?: number
  replicationFactor?: number
}

/**
 * Create topics unless they exist, then wait until every partition has a leader (at most `timeoutMs`).
 *
 * Safe when several clients create the same topics at once (parallel test files on one shared broker): an
 * "already exists" answer, or metadata that is briefly missing while another client's creation completes, is
 * waited out rather than thrown. The wait itself polls metadata instead of kafkajs's `waitForLeaders`, which
 * gives up on "This server does not host this topic-partition" in that window.
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
      await admin.createTopics({ topics: specs.map((s) => ({ ...s })), waitForLeaders: false })
      break
    } catch (err) {
      // TOPIC_ALREADY_EXISTS for any of them (kafkajs reports the batch as one error): fine, check metadata.
      if (/already exists/i.test(String((err as Error).message))) break
      lastError = err
      if (Date.now() > until) throw err
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
    if (ready) return
    if (Date.now() > until) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : ''
      throw new Error(`testkit: topics ${names.join(', ')} have no leaders after ${timeoutMs / 1000} s${why}`)
    }
    await sleep(100)
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
