// Timed loops that more than one bench runs the same way (bench/producer, bench/consumer and bench/peers), so
// every bench measures our client and the raw kafkajs baseline with the same code.
import type { Message, Producer } from 'kafkajs'

/**
 * Raw kafkajs `sendBatch` of messages `from` .. `from + count - 1`, `batch` at a time, each batch awaited
 * before the next (acks=all). `message(j)` builds message j; `options` adds to every sendBatch (compression).
 */
export async function sendBatches(
  producer: Producer,
  topic: string,
  from: number,
  count: number,
  batch: number,
  message: (j: number) => Message,
  options: Omit<Parameters<Producer['sendBatch']>[0], 'topicMessages' | 'acks'> = {},
): Promise<void> {
  for (let i = from; i < from + count; i += batch) {
    const messages: Message[] = []
    for (let j = i; j < Math.min(i + batch, from + count); j++) messages.push(message(j))
    await producer.sendBatch({ acks: -1, ...options, topicMessages: [{ topic, messages }] })
  }
}

/**
 * Read `stream` until `count` messages; the clock runs from the first message to the `count`-th. `read(value)`
 * touches each decoded value (summed into a sink so the work is not optimised away).
 */
export async function streamCount<T>(
  stream: AsyncIterable<{ value: unknown }>,
  count: number,
  read: (value: T) => number,
): Promise<{ seen: number; ms: number; sink: number }> {
  let seen = 0
  let t0 = 0
  let sink = 0
  for await (const msg of stream) {
    if (seen === 0) t0 = performance.now()
    sink += read(msg.value as T)
    if (++seen === count) break
  }
  return { seen, ms: performance.now() - t0, sink }
}
