import kafkajs from 'kafkajs'
import { BufferPool } from './buffer-pool.js'
import { crc32c } from './crc32c.js'
import { planRecords, type RecordLike, type RecordsPlan, writeRecords } from './record-batch.js'

/** What kafkajs's Produce request v3–v7 takes (`protocol/requests/produce/v3/request.js`). */
export interface ProduceRequestArgs {
  transactionalId?: string | null
  acks: number
  timeout: number
  /** A number, or the decimal string kafkajs's InitProducerId answer gives (its Long as a string). */
  producerId?: number | string | bigint
  producerEpoch?: number
  compression?: number
  /**
   * The codec that compresses the records in place of kafkajs's table entry for `compression` (the producer's
   * codec at `compression.level`); undefined: the table's.
   */
  codec?: Codec | undefined
  topicData: ReadonlyArray<{
    topic: string
    partitions: ReadonlyArray<{ partition: number; firstSequence?: number; messages: readonly RecordLike[] }>
  }>
}

type Codec = { compress(encoder: { buffer: Buffer }): Promise<Buffer> }

/** Bytes of a record batch before its records: baseOffset … record count (magic v2). */
const BATCH_HEADER = 61
/** Where the CRC32C'd part of a batch starts (attributes), and where the CRC itself is. */
const CRC_FROM = 21
const CRC_AT = 17
const TRANSACTIONAL = 16
const CODEC_MASK = 0x07

/** Scratch buffers for the records a codec compresses: a few batches compress at once (two per partition). */
const scratch = new BufferPool(8)

/** kafkajs's codec for `compression` (`lookupCodec`: the table our core registers zstd, LZ4, snappy in). */
function lookupCodec(compression: number): Codec | undefined {
  const factory = (kafkajs.CompressionCodecs as Record<number, (() => Codec) | undefined>)[compression]
  return factory ? factory() : undefined
}

interface PartitionPart {
  readonly partition: number
  readonly firstSequence: number
  readonly plan: RecordsPlan
  readonly messages: readonly RecordLike[]
  /** The compressed records, or undefined when the records are written uncompressed. */
  readonly compressed: Buffer | undefined
  /** Bytes of the whole batch (baseOffset included). */
  readonly batchSize: number
}

async function preparePartition(
  p: ProduceRequestArgs['topicData'][number]['partitions'][number],
  compression: number,
  override: Codec | undefined,
): Promise<PartitionPart | undefined> {
  const plan = planRecords(p.messages, Date.now())
  if (plan === undefined) return undefined
  let compressed: Buffer | undefined
  if (compression !== 0) {
    const codec = override ?? lookupCodec(compression)
    if (codec === undefined) return undefined // kafkajs throws its own error for it
    const records = scratch.take(plan.size)
    writeRecords(plan, p.messages, records, 0)
    compressed = await codec.compress({ buffer: records })
    // Reused only when the codec's output is not (a view of) its input. A failed compression keeps it too: the
    // codec may still be reading it.
    if (compressed.buffer !== records.buffer) scratch.give(records)
  }
  const recordsSize = compressed === undefined ? plan.size : compressed.length
  return {
    partition: p.partition,
    firstSequence: p.firstSequence ?? 0,
    plan,
    messages: p.messages,
    compressed,
    batchSize: BATCH_HEADER + recordsSize,
  }
}

/** A producer id as kafkajs's `Long.fromValue` reads it (number, decimal string, bigint), or undefined. */
function producerIdOf(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : undefined
  if (typeof v === 'string' && /^-?\d{1,19}$/.test(v)) return BigInt(v)
  return undefined
}

/** Write a safe integer as a big-endian int64 (kafkajs `writeInt64` of a number). */
function writeInt64(buf: Buffer, off: number, n: number): void {
  buf.writeInt32BE(Math.floor(n / 4294967296), off)
  buf.writeUInt32BE(n >>> 0, off + 4)
}

function writeBatch(
  buf: Buffer,
  at: number,
  part: PartitionPart,
  attributes: number,
  producerId: bigint,
  producerEpoch: number,
): number {
  const { plan } = part
  buf.writeInt32BE(0, at) // baseOffset (int64 0)
  buf.writeInt32BE(0, at + 4)
  buf.writeInt32BE(part.batchSize - 12, at + 8) // batchLength: after itself
  buf.writeInt32BE(0, at + 12) // partitionLeaderEpoch
  buf[at + 16] = 2 // magic
  buf.writeInt16BE(attributes, at + 21)
  buf.writeInt32BE(plan.count - 1, at + 23) // lastOffsetDelta
  writeInt64(buf, at + 27, plan.firstTimestamp)
  writeInt64(buf, at + 35, plan.maxTimestamp)
  buf.writeBigInt64BE(producerId, at + 43)
  buf.writeInt16BE(producerEpoch, at + 51)
  buf.writeInt32BE(part.firstSequence, at + 53)
  buf.writeInt32BE(plan.count, at + 57)
  let end: number
  if (part.compressed === undefined) end = writeRecords(plan, part.messages, buf, at + BATCH_HEADER)
  else {
    buf.set(part.compressed, at + BATCH_HEADER)
    end = at + BATCH_HEADER + part.compressed.length
  }
  buf.writeUInt32BE(crc32c(buf, at + CRC_FROM, end), at + CRC_AT)
  return end
}

/**
 * The body of a Produce request (v3–v7, one layout; the request header is kafkajs's), the bytes kafkajs's
 * `request.encode()` gives for the same arguments and the same clock, in one buffer sized beforehand. Compression
 * runs through kafkajs's registered codec, as kafkajs would call it. Returns `undefined` when an input is one
 * this encoder leaves to kafkajs (see `record-batch.ts`): encode that request with kafkajs instead. With
 * `headroom`, that many bytes of the same allocation are left free in front of the body (for kafkajs's framing,
 * `encoder-adoption.ts`).
 *
 * @example
 * ```ts
 * const body = await encodeProduceRequest({ acks: -1, timeout: 30000, producerId: 7, producerEpoch: 0,
 *   compression: 0, topicData: [{ topic: 't', partitions: [{ partition: 0, firstSequence: 0, messages }] }] })
 * ```
 */
export async function encodeProduceRequest(
  args: ProduceRequestArgs,
  headroom = 0,
): Promise<Buffer | undefined> {
  const compression = args.compression ?? 0
  const producerId = producerIdOf(args.producerId ?? -1)
  const producerEpoch = args.producerEpoch ?? 0
  const transactionalId = args.transactionalId ?? null
  // Out of the int64 range kafkajs wraps or throws: left to it.
  if (producerId === undefined || BigInt.asIntN(64, producerId) !== producerId) return undefined
  if (typeof compression !== 'number') return undefined
  const attributes = (compression & CODEC_MASK) | (transactionalId ? TRANSACTIONAL : 0)
  const topics: Array<{ topic: string; size: number; parts: PartitionPart[] }> = []
  let total = (transactionalId === null ? 2 : 2 + Buffer.byteLength(transactionalId)) + 2 + 4 + 4
  for (const t of args.topicData) {
    const parts: PartitionPart[] = []
    for (const p of t.partitions) {
      const part = await preparePartition(p, compression, args.codec) // in order, as kafkajs does
      if (part === undefined) return undefined
      parts.push(part)
      total += 8 + part.batchSize
    }
    const size = Buffer.byteLength(t.topic, 'utf8')
    total += 2 + size + 4
    topics.push({ topic: t.topic, size, parts })
  }
  const whole = Buffer.allocUnsafe(headroom + total)
  const buf = headroom === 0 ? whole : whole.subarray(headroom)
  let off = 0
  if (transactionalId === null) off = buf.writeInt16BE(-1, off)
  else {
    const n = Buffer.byteLength(transactionalId)
    off = buf.writeInt16BE(n, off)
    off += buf.write(transactionalId, off, n, 'utf8')
  }
  off = buf.writeInt16BE(args.acks, off)
  off = buf.writeInt32BE(args.timeout, off)
  off = buf.writeInt32BE(topics.length, off)
  for (const t of topics) {
    off = buf.writeInt16BE(t.size, off)
    off += buf.write(t.topic, off, t.size, 'utf8')
    off = buf.writeInt32BE(t.parts.length, off)
    for (const part of t.parts) {
      off = buf.writeInt32BE(part.partition, off)
      off = buf.writeInt32BE(part.batchSize, off)
      off = writeBatch(buf, off, part, attributes, producerId, producerEpoch)
    }
  }
  if (off !== total) throw new Error(`Produce request encoding wrote ${off} of ${total} bytes`)
  return buf
}
