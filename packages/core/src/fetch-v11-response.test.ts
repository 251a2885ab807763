import { createRequire } from 'node:module'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerCodecs } from './codecs/register.js'
import { FetchDecodeFallback } from './fetch-cursor.js'
import type { LookupCodec } from './fetch-record-batch.js'
import { decodeFetchV11 } from './fetch-v11-response.js'

// kafkajs is a dev dependency of the workspace (core itself does not depend on it): its own encoders build the
// responses and its own decoder is the oracle.
const require = createRequire(import.meta.url)
const kafkajs = require('kafkajs')
const Encoder = require('kafkajs/src/protocol/encoder')
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0')
const Record = require('kafkajs/src/protocol/recordBatch/record/v0')
const kafkajsFetchV11 = require('kafkajs/src/protocol/requests/fetch/v11/response.js')
const { lookupCodecByAttributes } = require('kafkajs/src/protocol/message/compression') as {
  lookupCodecByAttributes: LookupCodec
}
type Enc = { buffer: Buffer }
type Of<A> = A extends fc.Arbitrary<infer T> ? T : never
type HeaderValues = Record<string, Buffer | Buffer[]>

beforeAll(() => {
  registerCodecs(kafkajs.CompressionCodecs, kafkajs.CompressionTypes) // zstd, as the consumer does
})

const int64 = fc
  .oneof(
    fc.integer({ min: -1, max: 1_000_000 }),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.bigInt({ min: 2n ** 53n - 2000n, max: 2n ** 53n + 2000n }),
    fc.bigInt({ min: 2n ** 31n - 10n, max: 2n ** 45n }), // epoch-millisecond timestamps live here
    fc.bigInt({ min: -(2n ** 45n), max: -(2n ** 31n) + 10n }),
  )
  .map(String)
const bytes = fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a))
const json = fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v)))
const key = fc.oneof(
  fc.constant(null),
  fc.constant(Buffer.alloc(0)),
  bytes,
  fc.string().map((s) => Buffer.from(s)),
)
const value = fc.oneof(fc.constant(null), fc.constant(Buffer.alloc(0)), json, bytes)
const headerName = fc.oneof(fc.constantFrom('a', 'b', '', 'toString', '__proto__', 'null', 'é✓'), fc.string())
const headers = fc.array(fc.tuple(headerName, fc.array(bytes, { minLength: 1, maxLength: 3 })), {
  maxLength: 4,
})
const record = fc.record({
  offsetDelta: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
  timestampDelta: fc.oneof(
    fc.constantFrom(0, 0, 1, 2),
    fc.integer({ min: -5000, max: 5000 }),
    fc.maxSafeInteger(),
    fc.integer(),
  ),
  key,
  value,
  headers,
})
const batch = fc.record({
  compression: fc.constantFrom(0, 0, 1, 4),
  firstOffset: int64,
  firstTimestamp: int64,
  maxTimestamp: int64,
  partitionLeaderEpoch: fc.integer(),
  lastOffsetDelta: fc.integer({ min: 0, max: 1000 }),
  transactional: fc.boolean(),
  producerId: int64,
  producerEpoch: fc.integer({ min: -1, max: 32767 }),
  firstSequence: fc.integer(),
  control: fc.boolean(),
  logAppendTime: fc.boolean(),
  records: fc.array(record, { maxLength: 5 }),
})
const partition = fc.record({
  partition: fc.integer({ min: 0, max: 100 }),
  errorCode: fc.constantFrom(0, 0, 1, 6),
  highWatermark: int64,
  lastStableOffset: int64,
  logStartOffset: int64,
  aborted: fc.option(fc.array(fc.tuple(int64, int64), { maxLength: 3 })),
  preferredReadReplica: fc.integer({ min: -1, max: 3 }),
  recordSet: fc.oneof(
    fc.record({
      kind: fc.constant('batches' as const),
      batches: fc.array(batch, { maxLength: 3 }),
      tail: fc.nat(),
    }),
    fc.record({ kind: fc.constantFrom('null' as const, 'empty' as const) }),
  ),
})
const response = fc.record({
  throttle: fc.integer({ min: 0, max: 1000 }),
  errorCode: fc.constantFrom(0, 0, 1),
  sessionId: fc.integer(),
  topics: fc.array(fc.tuple(fc.string(), fc.array(partition, { maxLength: 3 })), { maxLength: 3 }),
})

function headerObject(pairs: [string, Buffer[]][]): HeaderValues {
  const out: HeaderValues = {}
  for (const [name, values] of pairs) {
    const v = values.length === 1 ? (values[0] as Buffer) : values
    Object.defineProperty(out, name, { value: v, enumerable: true, configurable: true, writable: true })
  }
  return out
}

/** A record batch as kafkajs encodes it, with the control and log-append-time flags patched into its attributes. */
async function encodeBatch(b: Of<typeof batch>): Promise<Buffer> {
  const records = b.records.map((r) => Record({ ...r, headers: headerObject(r.headers) }))
  const enc: Enc = await RecordBatch({ ...b, records })
  const buf = Buffer.from(enc.buffer)
  const attributesAt = 8 + 4 + 4 + 1 + 4
  buf.writeInt16BE(
    buf.readInt16BE(attributesAt) | (b.control ? 0x20 : 0) | (b.logAppendTime ? 0x8 : 0),
    attributesAt,
  )
  return buf
}

async function encodeRecordSet(p: Of<typeof partition>): Promise<Buffer> {
  const set = p.recordSet
  if (!('batches' in set)) return new Encoder().writeInt32(set.kind === 'null' ? -1 : 0).buffer
  const batches = await Promise.all(set.batches.map(encodeBatch))
  const last = batches.at(-1)
  if (last !== undefined && set.tail > 0) batches.push(last.subarray(0, set.tail % last.length)) // truncated batch
  const body = Buffer.concat(batches)
  return Buffer.concat([new Encoder().writeInt32(body.length).buffer, body])
}

async function encodeResponse(r: Of<typeof response>): Promise<Buffer> {
  const parts: Buffer[] = [
    new Encoder()
      .writeInt32(r.throttle)
      .writeInt16(r.errorCode)
      .writeInt32(r.sessionId)
      .writeInt32(r.topics.length).buffer,
  ]
  for (const [topic, partitions] of r.topics) {
    parts.push(new Encoder().writeString(topic).writeInt32(partitions.length).buffer)
    for (const p of partitions) {
      const e = new Encoder().writeInt32(p.partition).writeInt16(p.errorCode)
      e.writeInt64(p.highWatermark).writeInt64(p.lastStableOffset).writeInt64(p.logStartOffset)
      e.writeInt32(p.aborted === null ? -1 : p.aborted.length)
      for (const [producerId, firstOffset] of p.aborted ?? [])
        e.writeInt64(producerId).writeInt64(firstOffset)
      e.writeInt32(p.preferredReadReplica)
      parts.push(e.buffer, await encodeRecordSet(p))
    }
  }
  return Buffer.concat(parts)
}

describe('decodeFetchV11', () => {
  it('returns exactly what kafkajs 2.2.4 decodes, for random Fetch v11 responses', async () => {
    await fc.assert(
      fc.asyncProperty(response, async (r) => {
        const raw = await encodeResponse(r)
        const expected = await kafkajsFetchV11.decode(raw)
        const actual = await decodeFetchV11(raw, lookupCodecByAttributes)
        expect(actual).toStrictEqual(expected)
      }),
      { numRuns: 300 },
    )
  })

  it('hands old magic 0/1 message sets and truncated responses back (kafkajs decodes them)', async () => {
    const oldSet = Buffer.alloc(40)
    oldSet.writeInt8(1, 16)
    const raw = Buffer.concat([
      new Encoder().writeInt32(0).writeInt16(0).writeInt32(0).writeInt32(1).writeString('t').writeInt32(1)
        .buffer,
      new Encoder()
        .writeInt32(0)
        .writeInt16(0)
        .writeInt64(0)
        .writeInt64(0)
        .writeInt64(0)
        .writeInt32(-1)
        .writeInt32(-1).buffer,
      new Encoder().writeInt32(oldSet.length).buffer,
      oldSet,
    ])
    await expect(decodeFetchV11(raw, lookupCodecByAttributes)).rejects.toBeInstanceOf(FetchDecodeFallback)
    await expect(decodeFetchV11(raw.subarray(0, 20), lookupCodecByAttributes)).rejects.toBeInstanceOf(
      FetchDecodeFallback,
    )
  })
})
