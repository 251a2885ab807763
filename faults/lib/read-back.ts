// Read a whole topic back over the PLAINTEXT listener: every record up to each partition's high watermark.
import { plaintextKafka } from '@gracedb-kafka/testkit'
import type { ReadRecord } from './figures.js'

/**
 * Every record of `topic` at the time of the call (up to each partition's high watermark), with the
 * sequence number `n` parsed from its JSON value. Rejects after `timeoutMs`.
 */
export async function readTopic(
  plaintextBootstrapServers: string,
  topic: string,
  timeoutMs = 120_000,
): Promise<ReadRecord[]> {
  const kafka = plaintextKafka(plaintextBootstrapServers.split(','), {
    clientId: 'faults-reader',
    retries: 8,
  })
  const admin = kafka.admin()
  await admin.connect()
  const ends = new Map<number, number>()
  try {
    for (const p of await admin.fetchTopicOffsets(topic)) ends.set(p.partition, Number(p.high))
  } finally {
    await admin.disconnect().catch(() => {})
  }
  const want = [...ends.values()].reduce((a, b) => a + b, 0)
  const out: ReadRecord[] = []
  if (want === 0) return out
  const consumer = kafka.consumer({
    groupId: `faults-reader-${Date.now()}-${Math.random()}`,
    maxWaitTimeInMs: 500,
  })
  await consumer.connect()
  try {
    await consumer.subscribe({ topic, fromBeginning: true })
    const done = (): boolean => [...ends].every(([p, end]) => end === 0 || (last.get(p) ?? -1) >= end - 1)
    const last = new Map<number, number>()
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`faults: read ${out.length} of ${want} records of ${topic} in ${timeoutMs} ms`)),
        timeoutMs,
      )
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const offset = Number(message.offset)
            if (offset >= (ends.get(partition) ?? 0)) return
            const context = (message as { batchContext?: { producerId?: string } }).batchContext
            out.push({
              partition,
              offset,
              n: (JSON.parse(message.value?.toString('utf8') ?? '{}') as { n: number }).n,
              producerId: Number(context?.producerId ?? -1),
            })
            last.set(partition, offset)
            if (done()) {
              clearTimeout(timer)
              resolve()
            }
          },
        })
        .catch(reject)
    })
  } finally {
    await consumer.disconnect().catch(() => {})
  }
  return out
}
