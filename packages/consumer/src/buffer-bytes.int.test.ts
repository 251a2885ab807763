import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import { beforeAll, describe, expect, it } from 'vitest'
import { GraceDbKafkaConsumer } from './consumer.js'
import type { ConsumerOptionsInput } from './options.js'
import { consumerOptions, freshTopic, plaintextClient, uniq, useToken } from './testing/helpers.js'

let kafka: SharedKafka

beforeAll(async () => {
  kafka = await sharedKafka()
  await useToken(kafka)
})

const COUNT = 40
const PAD = 100_000

/** `COUNT` JSON messages of about 100 KB each (`{"n": i, "pad": "xxx…"}`), a few per produce request. */
async function produceLarge(topic: string): Promise<number> {
  const producer = plaintextClient(kafka).producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  let size = 0
  try {
    for (let i = 0; i < COUNT; i += 4) {
      const messages = Array.from({ length: 4 }, (_, j) => ({
        key: `k${i + j}`,
        value: JSON.stringify({ n: i + j, pad: 'x'.repeat(PAD) }),
      }))
      size = Math.max(size, ...messages.map((m) => Buffer.byteLength(m.value) + Buffer.byteLength(m.key)))
      await producer.send({ topic, messages })
    }
  } finally {
    await producer.disconnect()
  }
  return size
}

/**
 * Read the topic with a caller that stops after the first message until fetching has paused or the buffer holds
 * everything else; returns the offsets seen and the most bytes the consumer buffered.
 */
async function readSlowly(
  consumer: GraceDbKafkaConsumer,
  topic: string,
): Promise<{ offsets: number[]; maxBytes: number; paused: boolean }> {
  const offsets: number[] = []
  let maxBytes = 0
  let paused = false
  for await (const m of consumer.stream({ count: COUNT })) {
    offsets.push(m.offset)
    expect((m.value as { n: number }).n).toBe(m.offset)
    maxBytes = Math.max(maxBytes, consumer.bufferedBytes)
    if (offsets.length === 1) {
      await expect
        .poll(
          () => {
            paused = consumer.pausedPartitions.some((p) => p.topic === topic && p.partition === 0)
            return paused || consumer.bufferedMessages === COUNT - 1
          },
          { timeout: 20_000, interval: 20 },
        )
        .toBe(true)
      maxBytes = Math.max(maxBytes, consumer.bufferedBytes)
    }
  }
  return { offsets, maxBytes, paused }
}

/** A consumer of `instance`'s test topic from the earliest offset, in a fresh group named after `name`. */
const consumerOf = (instance: string, name: string, extra: Partial<ConsumerOptionsInput> = {}) =>
  new GraceDbKafkaConsumer(
    consumerOptions(kafka, instance, {
      topics: 'test',
      groupId: `${name}-${uniq()}`,
      autoOffsetReset: 'earliest',
      ...extra,
    }),
  )

describe('the buffer between fetching and the caller is bounded in bytes (real broker)', () => {
  it('maxBufferedBytes pauses fetching for a slow caller on large messages: every message once, in order', async () => {
    const { instance, topic } = await freshTopic(kafka, 'test', 1)
    const size = await produceLarge(topic)
    await using c = consumerOf(instance, 'bytes', { maxBufferedBytes: 300_000 })
    const { offsets, maxBytes, paused } = await readSlowly(c, topic)
    expect(offsets).toEqual(Array.from({ length: COUNT }, (_, i) => i))
    expect(paused).toBe(true) // 40 messages of 100 KB never fit in 300 KB: fetching paused
    expect(maxBytes).toBeGreaterThan(0)
    expect(maxBytes).toBeLessThan(300_000 + size) // below the limit before the last message pushed
    expect(c.bufferedBytes).toBe(0)
    expect(c.pausedPartitions).toEqual([])
  })

  it('set as librdkafka does, in KiB (queued.max.messages.kbytes); without a byte limit the same caller buffers MBs', async () => {
    const { instance, topic } = await freshTopic(kafka, 'test', 1)
    const size = await produceLarge(topic)
    await using bounded = consumerOf(instance, 'kbytes', {
      kafkaConfig: { 'queued.max.messages.kbytes': 256 },
    })
    const small = await readSlowly(bounded, topic)
    expect(small.offsets).toEqual(Array.from({ length: COUNT }, (_, i) => i))
    expect(small.maxBytes).toBeLessThan(256 * 1024 + size)
    await using roomy = consumerOf(instance, 'roomy')
    const large = await readSlowly(roomy, topic)
    expect(large.offsets).toEqual(Array.from({ length: COUNT }, (_, i) => i))
    expect(large.maxBytes).toBeGreaterThan(1_000_000) // the default 64 MiB held what one fetch brought
  })
})
