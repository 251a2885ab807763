// Test helper (not part of the package API): read a topic back with a plain kafkajs consumer over PLAINTEXT.
import { plaintextKafka } from '@gracedb-kafka/testkit'

/** One message as the broker stores it. */
export interface ReadMessage {
  partition: number
  offset: number
  key: Buffer | null
  value: Buffer | null
  headers: Record<string, Buffer>
  timestamp: number
  /** The record batch the broker stored the message in: one per partition per produce request. */
  batch: {
    /** Offset of the batch's first record: identifies the batch within its partition. */
    firstOffset: number
    /** The idempotent producer id that wrote the batch, or -1 for a non-idempotent producer. */
    producerId: number
  }
}

interface BatchContext {
  firstOffset?: string
  producerId?: string
}

/**
 * Consume `topic` from the beginning until `count` messages arrived, then keep listening `settleMs` more
 * to catch duplicates, and return them sorted by (partition, offset). Rejects after `timeoutMs`.
 */
export async function readBack(
  plaintextBootstrapServers: string,
  topic: string,
  count: number,
  { timeoutMs = 60_000, settleMs = 500 }: { timeoutMs?: number; settleMs?: number } = {},
): Promise<ReadMessage[]> {
  const kafka = plaintextKafka(plaintextBootstrapServers.split(','), {
    clientId: 'producer-int-reader',
    patient: true,
  })
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}-${Math.random()}` })
  const out: ReadMessage[] = []
  await consumer.connect()
  try {
    await consumer.subscribe({ topic, fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      let settle: NodeJS.Timeout | undefined
      const timer = setTimeout(() => {
        reject(new Error(`read ${out.length}/${count} messages from ${topic} within ${timeoutMs} ms`))
      }, timeoutMs)
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const headers: Record<string, Buffer> = {}
            for (const [k, v] of Object.entries(message.headers ?? {})) {
              if (Buffer.isBuffer(v)) headers[k] = v
            }
            // kafkajs decodes each record with its batch's header (not in its public types).
            const context = (message as { batchContext?: BatchContext }).batchContext ?? {}
            out.push({
              partition,
              offset: Number(message.offset),
              key: message.key,
              value: message.value,
              headers,
              timestamp: Number(message.timestamp),
              batch: { firstOffset: Number(context.firstOffset), producerId: Number(context.producerId) },
            })
            if (out.length >= count && settle === undefined) {
              settle = setTimeout(() => {
                clearTimeout(timer)
                resolve()
              }, settleMs)
            }
          },
        })
        .catch(reject)
    })
  } finally {
    await consumer.disconnect().catch(() => {})
  }
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset)
}
