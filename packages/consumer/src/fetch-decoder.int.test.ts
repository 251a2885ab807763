import { createRequire } from 'node:module'
import { isDeepStrictEqual } from 'node:util'
import { fixFetchDecoding, registerCodecs } from '@gracedb-kafka/core'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GraceDbKafkaConsumer } from './consumer.js'
import type { ConsumerMessage } from './decode.js'
import { consumerOptions, freshTopic, plaintextClient, useToken } from './testing/helpers.js'

type Decode = (raw: Buffer) => Promise<unknown>
const fetchV11 = createRequire(import.meta.url)('kafkajs/src/protocol/requests/fetch/v11/response.js') as {
  decode: Decode
  [key: symbol]: unknown
}
const ORIGINAL = Symbol.for('@gracedb-kafka/fetch-v11-decoder.original')

let kafka: SharedKafka
/** What the broker's Fetch v11 responses did to the lean decoder, observed around the module's `decode`. */
const seen = { responses: 0, fallbacks: 0, mismatches: 0 }
let restore = (): void => {}

beforeAll(async () => {
  kafka = await sharedKafka()
  await useToken(kafka)
  registerCodecs(kafkajs.CompressionCodecs, kafkajs.CompressionTypes) // zstd for the producer below
  expect(fixFetchDecoding(import.meta.url)).toBe(true) // as the consumer's constructor does
  const lean = fetchV11.decode
  const original = fetchV11[ORIGINAL] as Decode
  expect(typeof original).toBe('function')
  fetchV11[ORIGINAL] = (raw: Buffer) => {
    seen.fallbacks++
    return original(raw)
  }
  fetchV11.decode = async (raw: Buffer) => {
    const got = await lean(raw)
    seen.responses++
    if (!isDeepStrictEqual(got, await original(raw))) seen.mismatches++
    return got
  }
  restore = () => {
    fetchV11.decode = lean
    fetchV11[ORIGINAL] = original
  }
})
afterAll(() => restore())

const N = 1500

/** Message `i`: keys UTF-8, binary or absent; values JSON or absent; some with headers, one name repeated. */
function message(i: number): kafkajs.Message {
  const key = i % 7 === 0 ? null : i % 11 === 0 ? Buffer.from([0xff, 0xfe, i & 0xff]) : `k${i}`
  const value = i % 13 === 0 ? null : JSON.stringify({ n: i, pad: 'x'.repeat(i % 300) })
  const headers = i % 3 === 0 ? { a: `h${i}`, b: ['1', `${i}`] } : undefined
  return { key, value, ...(headers && { headers }) }
}

function expected(i: number): Pick<ConsumerMessage, 'key' | 'value' | 'headers'> {
  return {
    key: i % 7 === 0 ? null : i % 11 === 0 ? new Uint8Array([0xff, 0xfe, i & 0xff]) : `k${i}`,
    value: i % 13 === 0 ? null : { n: i, pad: 'x'.repeat(i % 300) },
    headers: i % 3 === 0 ? { a: `h${i}`, b: `${i}` } : null,
  }
}

async function produce(topic: string, compression: number): Promise<void> {
  const producer = plaintextClient(kafka).producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  try {
    for (let i = 0; i < N; i += 250) {
      const messages = Array.from({ length: Math.min(250, N - i) }, (_, j) => message(i + j))
      await producer.send({ topic, compression, messages })
    }
  } finally {
    await producer.disconnect()
  }
}

describe('the lean Fetch v11 decoder on the real broker', () => {
  it.each([
    ['uncompressed', kafkajs.CompressionTypes.None],
    ['zstd', kafkajs.CompressionTypes.ZSTD],
  ])('%s: every message once, in order, with keys, headers and values intact', async (_, compression) => {
    const { instance, topic } = await freshTopic(kafka)
    await produce(topic, compression)
    const before = { ...seen }
    await using consumer = new GraceDbKafkaConsumer(
      consumerOptions(kafka, instance, { topics: 'test', autoOffsetReset: 'earliest' }),
    )
    await consumer.subscribe('test')
    const got: ConsumerMessage[] = []
    const deadline = Date.now() + 60_000
    while (got.length < N && Date.now() < deadline) {
      const m = await consumer.poll({ timeout: 1 })
      if (m) got.push(m)
    }
    expect(await consumer.poll({ timeout: 0.5 })).toBeNull()
    expect(got.map((m) => m.offset)).toEqual(Array.from({ length: N }, (_, i) => i))
    for (const [i, m] of got.entries()) {
      const key = m.key instanceof Uint8Array ? new Uint8Array(m.key) : m.key
      expect({ key, value: m.value, headers: m.headers }, `message ${i}`).toEqual(expected(i))
    }
    // kafkajs negotiated Fetch v11 with Kafka 4 and the lean decoder read every response as kafkajs would have.
    expect(seen.responses).toBeGreaterThan(before.responses)
    expect(seen.fallbacks).toBe(before.fallbacks)
    expect(seen.mismatches).toBe(0)
  })
})
