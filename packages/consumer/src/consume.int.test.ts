import { KafkaAuthenticationError, KafkaConnectionError } from '@gracedb-kafka/core'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import { beforeAll, describe, expect, it } from 'vitest'
import { GraceDbKafkaConsumer } from './consumer.js'
import type { ConsumerMessage } from './decode.js'
import {
  committedOffsets,
  consumerOptions,
  freshTopic as createFreshTopic,
  jsonMessages,
  produce,
  totalCommitted,
  uniq,
  useToken,
} from './testing/helpers.js'

let kafka: SharedKafka

beforeAll(async () => {
  kafka = await sharedKafka()
  await useToken(kafka)
})

const freshTopic = (pipeline?: string, partitions?: number) => createFreshTopic(kafka, pipeline, partitions)

async function collect(consumer: GraceDbKafkaConsumer, n: number, timeoutS = 20): Promise<ConsumerMessage[]> {
  const out: ConsumerMessage[] = []
  const deadline = Date.now() + timeoutS * 1000
  while (out.length < n && Date.now() < deadline) {
    const m = await consumer.poll({ timeout: 1 })
    if (m) out.push(m)
  }
  return out
}

describe('GraceDbKafkaConsumer on the real broker (SASL_SSL + SciTokens)', () => {
  it("'latest' sees only messages produced after it joined; 'earliest' with a new group replays", async () => {
    const { instance, topic } = await freshTopic()
    await produce(kafka, topic, jsonMessages(3, 0))
    await using latest = new GraceDbKafkaConsumer(consumerOptions(kafka, instance, { topics: 'test' }))
    await using earliest = new GraceDbKafkaConsumer(
      consumerOptions(kafka, instance, {
        topics: 'test',
        groupId: `replay-${uniq()}`,
        autoOffsetReset: 'earliest',
      }),
    )
    await latest.subscribe('test')
    await earliest.subscribe('test')
    await produce(kafka, topic, jsonMessages(2, 3))
    const fromLatest = await collect(latest, 2)
    const fromEarliest = await collect(earliest, 5)
    expect(fromLatest.map((m) => m.value)).toEqual([{ n: 3 }, { n: 4 }])
    expect(fromEarliest.map((m) => m.value)).toEqual([0, 1, 2, 3, 4].map((n) => ({ n })))
    expect(await latest.poll({ timeout: 0.3 })).toBeNull()
    const m = fromEarliest[0] as ConsumerMessage
    expect(m).toMatchObject({ topic, partition: 0, offset: 0, key: 'k0', headers: null })
    expect(typeof m.timestamp).toBe('number')
    expect(latest.groupId).toMatch(/^gracedb-client-[0-9a-f]{8}$/)
  })

  it('a stable group resumes exactly after its last committed offset; an ephemeral one does not', async () => {
    const { instance, topic } = await freshTopic()
    const groupId = `stable-${uniq()}`
    await produce(kafka, topic, jsonMessages(10))
    const opts = consumerOptions(kafka, instance, { topics: 'test', groupId, autoOffsetReset: 'earliest' })
    {
      await using first = new GraceDbKafkaConsumer(opts)
      const got = await collect(first, 4)
      expect(got.map((m) => m.offset)).toEqual([0, 1, 2, 3])
    } // close() commits what was handed out: offsets 0..3
    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe(4)
    {
      await using second = new GraceDbKafkaConsumer(opts)
      const got = await collect(second, 6)
      expect(got.map((m) => m.offset)).toEqual([4, 5, 6, 7, 8, 9])
      expect(await second.poll({ timeout: 0.3 })).toBeNull()
    }
    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe(10)
    // two ephemeral consumers are two groups: each starts at 'latest' on its own
    await using a = new GraceDbKafkaConsumer(consumerOptions(kafka, instance, { topics: 'test' }))
    await using b = new GraceDbKafkaConsumer(consumerOptions(kafka, instance, { topics: 'test' }))
    expect(a.groupId).not.toBe(b.groupId)
    await a.subscribe('test')
    await b.subscribe('test')
    await produce(kafka, topic, jsonMessages(1, 10))
    expect((await collect(a, 1)).map((m) => m.offset)).toEqual([10])
    expect((await collect(b, 1)).map((m) => m.offset)).toEqual([10])
  })

  it('stream(): count, stop() and several topics at once', async () => {
    const x = await freshTopic('gstlal')
    const instance = x.instance
    const yTopic = `${instance}.pycbc`
    await kafka.createTopic(yTopic, { partitions: 1 })
    await produce(kafka, x.topic, jsonMessages(3))
    await produce(kafka, yTopic, jsonMessages(3, 100))
    await using c = new GraceDbKafkaConsumer(
      consumerOptions(kafka, instance, { groupId: `multi-${uniq()}`, autoOffsetReset: 'earliest' }),
    )
    await c.subscribe(['gstlal', 'pycbc'])
    expect(c.subscription).toEqual([x.topic, yTopic])
    const counted: ConsumerMessage[] = []
    for await (const m of c.stream({ count: 4, timeout: 1 })) counted.push(m)
    expect(counted).toHaveLength(4)
    const rest: ConsumerMessage[] = []
    const t0 = Date.now()
    for await (const m of c.stream({ timeout: 0.5 })) {
      rest.push(m)
      if (counted.length + rest.length === 6) setTimeout(() => c.stop(), 200)
    }
    expect(Date.now() - t0).toBeLessThan(15_000)
    const all = [...counted, ...rest]
    expect(new Set(all.map((m) => m.topic))).toEqual(new Set([x.topic, yTopic]))
    expect(all.map((m) => (m.value as { n: number }).n).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 100, 101, 102,
    ])
    // a stopped stream can run again
    await produce(kafka, yTopic, jsonMessages(1, 103))
    const again: ConsumerMessage[] = []
    for await (const m of c.stream({ count: 1 })) again.push(m)
    expect(again.map((m) => [m.topic, m.value])).toEqual([[yTopic, { n: 103 }]])
  })

  it('stream(): aborting its signal mid-wait ends it at once, not after the wait timeout', async () => {
    const { instance } = await freshTopic()
    await using c = new GraceDbKafkaConsumer(consumerOptions(kafka, instance, { topics: 'test' }))
    await c.subscribe('test')
    const ac = new AbortController()
    const seen: ConsumerMessage[] = []
    let abortedAt = 0
    setTimeout(() => {
      abortedAt = Date.now()
      ac.abort()
    }, 500)
    // nothing is produced: the stream waits (30 s per wait) until the abort
    for await (const m of c.stream({ timeout: 30, signal: ac.signal })) seen.push(m)
    expect(abortedAt).toBeGreaterThan(0)
    expect(Date.now() - abortedAt).toBeLessThan(1000)
    expect(seen).toEqual([])
  })

  it('delivers values that are not JSON as text or bytes, and never breaks the stream', async () => {
    const { instance, topic } = await freshTopic()
    await produce(kafka, topic, [
      { value: 'plain text, not JSON' },
      { value: Buffer.from([0xff, 0x00, 0xfe]), key: Buffer.from([0xc3, 0x28]) },
      { value: null },
      { value: '{"ok":true}', headers: { source: 'int-test', raw: Buffer.from('x') } },
    ])
    await using c = new GraceDbKafkaConsumer(
      consumerOptions(kafka, instance, {
        topics: 'test',
        groupId: `nonjson-${uniq()}`,
        autoOffsetReset: 'earliest',
      }),
    )
    const got: ConsumerMessage[] = []
    for await (const m of c.stream({ count: 4 })) got.push(m)
    expect(got[0]?.value).toBe('plain text, not JSON')
    expect(got[1]?.value).toBeInstanceOf(Uint8Array)
    const binary = got[1] as ConsumerMessage
    expect([...(binary.value as Uint8Array)]).toEqual([0xff, 0x00, 0xfe])
    expect([...(binary.key as Uint8Array)]).toEqual([0xc3, 0x28])
    expect(got[2]?.value).toBeNull()
    expect(got[3]).toMatchObject({ value: { ok: true }, headers: { source: 'int-test', raw: 'x' } })
  })

  it('with a tiny buffer and a slow caller, fetching pauses and resumes: every message once, in order', async () => {
    const { instance, topic } = await freshTopic('test', 1)
    await produce(kafka, topic, jsonMessages(3000))
    await using c = new GraceDbKafkaConsumer(
      consumerOptions(kafka, instance, {
        topics: 'test',
        groupId: `slow-${uniq()}`,
        autoOffsetReset: 'earliest',
        maxBufferedMessages: 20,
      }),
    )
    const seen: number[] = []
    let maxBuffered = 0
    let pausedSamples = 0
    for await (const m of c.stream({ count: 3000 })) {
      seen.push(m.offset)
      maxBuffered = Math.max(maxBuffered, c.bufferedMessages)
      if (seen.length % 500 === 0 && seen.length < 3000) {
        // A slow caller, busy until the broker is far ahead: the buffer fills and the partition is paused.
        await expect
          .poll(() => c.pausedPartitions.some((p) => p.topic === topic && p.partition === 0), {
            timeout: 20_000,
            interval: 50,
          })
          .toBe(true)
        maxBuffered = Math.max(maxBuffered, c.bufferedMessages)
        pausedSamples++
      }
    }
    expect(seen).toEqual(Array.from({ length: 3000 }, (_, i) => i))
    expect(maxBuffered).toBe(20) // filled to the limit, never beyond
    expect(pausedSamples).toBe(5) // fetching paused during each of the caller's 5 slow spells
    expect(c.pausedPartitions).toEqual([]) // resumed once the caller caught up
  })

  it('manual commit: nothing is committed until commit(message)', async () => {
    const { instance, topic } = await freshTopic()
    const groupId = `manual-${uniq()}`
    await produce(kafka, topic, jsonMessages(5))
    const c = new GraceDbKafkaConsumer(
      consumerOptions(kafka, instance, {
        topics: 'test',
        groupId,
        autoOffsetReset: 'earliest',
        kafkaConfig: { 'enable.auto.commit': false },
      }),
    )
    const got = await collect(c, 5)
    expect(got).toHaveLength(5)
    await c.commit(got[2])
    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe(3)
    await c.close()
    await c.close()
    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe(3)
  })

  it('auto-commit commits only what was handed out, never what was merely fetched', async () => {
    const { instance, topic } = await freshTopic()
    const groupId = `handed-${uniq()}`
    await produce(kafka, topic, jsonMessages(50))
    const c = new GraceDbKafkaConsumer(
      consumerOptions(kafka, instance, {
        topics: 'test',
        groupId,
        autoOffsetReset: 'earliest',
        autoCommitInterval: 0.2,
      }),
    )
    const committed = async () => totalCommitted(await committedOffsets(kafka, groupId, topic))
    const got = await collect(c, 7)
    expect(got).toHaveLength(7)
    // more was fetched than handed out: the buffer holds messages the caller has not seen
    await expect.poll(() => c.bufferedMessages, { timeout: 20_000, interval: 50 }).toBeGreaterThan(0)
    // the auto-commit timer (every 0.2 s) commits the 7 handed out, not the fetched ones
    await expect.poll(committed, { timeout: 20_000, interval: 200 }).toBe(7)
    // one more handed out: a later tick commits exactly that one more
    expect(await collect(c, 1)).toHaveLength(1)
    await expect.poll(committed, { timeout: 20_000, interval: 200 }).toBe(8)
    await c.close()
    expect(await committed()).toBe(8)
  })

  it('an unreachable broker is a KafkaConnectionError within a bounded time', async () => {
    const c = new GraceDbKafkaConsumer({
      bootstrapServers: 'localhost:1',
      instanceName: 'gracedb-dev',
      topics: 'test',
      caCertPath: kafka.caCertPath,
    })
    const t0 = Date.now()
    const err = await c.poll({ timeout: 1 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KafkaConnectionError)
    expect(Date.now() - t0).toBeLessThan(30_000)
    await c.close()
  })

  it('a token the broker rejects is a KafkaAuthenticationError on poll()', async () => {
    const { instance } = await freshTopic()
    const saved = process.env.BEARER_TOKEN_FILE
    try {
      // signed by the trusted issuer but for another audience: discovery accepts it with an explicit audience,
      // the broker refuses it
      await useToken(kafka, { claims: { aud: 'someone-else' } })
      const c = new GraceDbKafkaConsumer(
        consumerOptions(kafka, instance, { topics: 'test', tokenAudience: 'someone-else' }),
      )
      const err = await c.poll({ timeout: 1 }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(KafkaAuthenticationError)
      expect(String((err as Error).message)).not.toMatch(/eyJ/)
      await c.close()
    } finally {
      process.env.BEARER_TOKEN_FILE = saved
    }
  })
})
