// The wire format is unchanged: for random messages our Produce request body is byte for byte what kafkajs's own
// `request.encode()` writes for the same arguments and the same clock (no broker: both are pure encoders).
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { levelledCodec, registerCodecs } from '@gracedb-kafka/core'
import fc from 'fast-check'
import kafkajs, { CompressionTypes, type IHeaders, type Message } from 'kafkajs'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { encodeProduceRequest, type ProduceRequestArgs } from './produce-request.js'

const require = createRequire(import.meta.url)
type Encoded = { buffer: Buffer }
const produceRequests = require('kafkajs/src/protocol/requests/produce') as {
  protocol: (v: {
    version: number
  }) => (args: ProduceRequestArgs) => { request: { encode(): Promise<Encoded> } }
}

const NOW = 1_764_600_000_000
const kafkajsBytes = async (args: ProduceRequestArgs, version = 7): Promise<Buffer> =>
  (await produceRequests.protocol({ version })(args).request.encode()).buffer

beforeAll(() => registerCodecs(kafkajs.CompressionCodecs, CompressionTypes))
afterEach(() => vi.restoreAllMocks())

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a))
/** Up to ~100 KiB without generating every byte: a random block repeated. */
const large = fc
  .tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.integer({ min: 0, max: 100 * 1024 }))
  .map(([block, n]) => Buffer.alloc(n, Buffer.from(block)))
const text = fc.string({ unit: 'binary', maxLength: 60 }) // any code point, lone surrogates included
const keyOrValue = fc.oneof(fc.constant(null), fc.constant(undefined), text, bytes(100))
const value = fc.oneof(keyOrValue, large)
const headers: fc.Arbitrary<IHeaders | undefined> = fc.option(
  fc.dictionary(
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.oneof(text, bytes(20), fc.array(fc.oneof(text, bytes(20)), { maxLength: 3 })),
    { maxKeys: 4 },
  ),
  { nil: undefined },
)
/** Numbers as our queued records carry them (epoch ms), around a digit-count boundary, small ones, zero. */
const numericTimestamp = fc.oneof(
  fc.integer({ min: -5_000_000, max: 5_000_000 }).map((d) => NOW + d),
  fc.integer({ min: 9_999_999_999_990, max: 10_000_000_000_009 }),
  fc.integer({ min: 0, max: 1_000 }),
)
/** 13-digit strings, other lengths (sorted as strings by kafkajs), numbers, none. */
const timestamp = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: -5_000_000, max: 5_000_000 }).map((d) => String(NOW + d)),
  fc.integer({ min: 0, max: 100_000 }).map(String),
  fc.integer({ min: 1, max: NOW }),
  numericTimestamp,
)
const message: fc.Arbitrary<Message> = fc
  .record({ key: keyOrValue, value, headers, timestamp })
  .map(({ key, value, headers, timestamp }) => {
    const m = { key, value } as Message
    if (headers !== undefined) m.headers = headers
    if (timestamp !== undefined) m.timestamp = timestamp as string
    return m
  })
const partitions = fc.uniqueArray(
  fc.record({
    partition: fc.nat(1000),
    firstSequence: fc.nat(),
    messages: fc.array(message, { maxLength: 12 }),
  }),
  { minLength: 1, maxLength: 3, selector: (p) => p.partition },
)
const request = (compression: number): fc.Arbitrary<ProduceRequestArgs> =>
  fc.record({
    acks: fc.constantFrom(-1, 1),
    timeout: fc.nat(),
    // kafkajs's InitProducerId answer gives the id as a decimal string (its Long), the types say number
    producerId: fc.oneof(
      fc.constant(-1),
      fc.nat(),
      fc.integer({ min: 0, max: 2 ** 50 }),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
    ),
    producerEpoch: fc.nat(32767),
    compression: fc.constant(compression),
    topicData: fc.array(fc.record({ topic: fc.string({ unit: 'grapheme', maxLength: 20 }), partitions }), {
      minLength: 1,
      maxLength: 2,
    }),
  })

const codecs = Object.entries(CompressionTypes) as Array<[string, number]>

describe('encodeProduceRequest', () => {
  it.each(codecs)('writes the bytes kafkajs writes (compression %s)', async (_name, compression) => {
    vi.spyOn(Date, 'now').mockReturnValue(NOW)
    await fc.assert(
      fc.asyncProperty(request(compression), async (args) => {
        const ours = await encodeProduceRequest(args)
        expect(ours).toBeDefined()
        expect(ours!.equals(await kafkajsBytes(args))).toBe(true)
      }),
      { numRuns: compression === CompressionTypes.None ? 300 : 60 },
    )
  })

  it("writes the bytes kafkajs writes for batches whose timestamps are all numbers (the producer's records)", async () => {
    vi.spyOn(Date, 'now').mockReturnValue(NOW)
    const bytesOrNull = fc.oneof(fc.constant(null), bytes(100), large)
    const numeric = fc.record({ key: bytesOrNull, value: bytesOrNull, timestamp: numericTimestamp })
    await fc.assert(
      fc.asyncProperty(fc.array(numeric, { minLength: 1, maxLength: 30 }), fc.nat(), async (records, seq) => {
        const args: ProduceRequestArgs = {
          acks: -1,
          timeout: 30000,
          producerId: 7,
          producerEpoch: 0,
          compression: CompressionTypes.None,
          topicData: [{ topic: 't', partitions: [{ partition: 0, firstSequence: seq, messages: records }] }],
        }
        const ours = await encodeProduceRequest(args)
        expect(ours!.equals(await kafkajsBytes(args))).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('writes the same bytes as every kafkajs Produce version from 3 to 7', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(NOW)
    const args: ProduceRequestArgs = {
      acks: -1,
      timeout: 30000,
      producerId: 4242,
      producerEpoch: 3,
      compression: CompressionTypes.None,
      topicData: [
        { topic: 't', partitions: [{ partition: 2, firstSequence: 9, messages: [{ value: 'v' }] }] },
      ],
    }
    const ours = await encodeProduceRequest(args)
    for (const version of [3, 4, 5, 6, 7]) expect(ours!.equals(await kafkajsBytes(args, version))).toBe(true)
  })

  it('writes 1000 messages of 1 KiB (the benchmark batch) and a transactional id as kafkajs does', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(NOW)
    const messages = Array.from({ length: 1000 }, (_, i) => ({
      key: null,
      value: Buffer.alloc(1024, `{"n": ${i}}`),
      timestamp: String(NOW + (i % 7) - 3),
    }))
    for (const compression of [CompressionTypes.None, CompressionTypes.ZSTD]) {
      for (const transactionalId of [null, 'tx-Zoë']) {
        const args: ProduceRequestArgs = {
          transactionalId,
          acks: -1,
          timeout: 30000,
          producerId: '1', // as kafkajs's InitProducerId answer gives it
          producerEpoch: 0,
          compression,
          topicData: [{ topic: 'igwn.gwalert', partitions: [{ partition: 0, firstSequence: 5, messages }] }],
        }
        expect((await encodeProduceRequest(args))!.equals(await kafkajsBytes(args))).toBe(true)
      }
    }
  })

  it('leaves to kafkajs the inputs kafkajs does not write faithfully (it throws or writes garbage)', async () => {
    const one = (m: Record<string, unknown>, compression = 0): ProduceRequestArgs => ({
      acks: -1,
      timeout: 1,
      producerId: 1,
      producerEpoch: 0,
      compression,
      topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [m as unknown as Message] }] }],
    })
    for (const m of [
      { value: 42 },
      { value: new Uint8Array([1, 2]) },
      { key: { a: 1 }, value: 'v' },
      { value: 'v', headers: { h: null } },
      { value: 'v', headers: { h: undefined } },
      { value: 'v', headers: { h: [1] } },
      { value: 'v', headers: null },
      { value: 'v', timestamp: 'yesterday' },
      { value: 'v', timestamp: '' },
      { value: 'v', timestamp: 1.5 },
    ]) {
      expect(await encodeProduceRequest(one(m))).toBeUndefined()
    }
    expect(await encodeProduceRequest(one({ value: 'v' }, 7))).toBeUndefined() // no codec 7
    for (const producerId of ['x', '', '1.5', String(2n ** 63n)]) {
      expect(await encodeProduceRequest({ ...one({ value: 'v' }), producerId })).toBeUndefined()
    }
  })

  it.each([
    ['zstd', CompressionTypes.ZSTD, 9],
    ['zstd', CompressionTypes.ZSTD, -1],
    ['gzip', CompressionTypes.GZIP, 1],
  ] as const)(
    "a codec given (the producer's at compression.level): the %s batch is what kafkajs writes with that codec, level %d",
    async (name, type, level) => {
      vi.spyOn(Date, 'now').mockReturnValue(NOW)
      const messages = Array.from({ length: 50 }, (_, i) => ({
        // Hash-like padding: on text this repetitive, zstd's levels 1 and 3 can write the same bytes.
        value: `{"seq": ${i}, "pad": "${createHash('sha256').update(String(i)).digest('hex').repeat(12)}"}`,
      }))
      const args: ProduceRequestArgs = {
        acks: -1,
        timeout: 30000,
        producerId: 3,
        producerEpoch: 0,
        compression: type,
        codec: levelledCodec(name, level),
        topicData: [{ topic: 't', partitions: [{ partition: 0, firstSequence: 0, messages }] }],
      }
      const table = kafkajs.CompressionCodecs as Record<number, unknown>
      const saved = table[type]
      table[type] = () => levelledCodec(name, level)
      let theirs: Buffer
      try {
        theirs = await kafkajsBytes(args)
      } finally {
        table[type] = saved
      }
      const ours = await encodeProduceRequest(args)
      expect(ours!.equals(theirs)).toBe(true)
      // and not what the default level writes
      const byDefault = await encodeProduceRequest({ ...args, codec: undefined })
      expect(byDefault!.equals(ours!)).toBe(false)
    },
  )
})
