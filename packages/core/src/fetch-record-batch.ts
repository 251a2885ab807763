import { decimal, FetchCursor, fallback } from './fetch-cursor.js'

/** kafkajs's per-batch context, shared by the batch's records (same fields, same order). */
export interface FetchBatchContext {
  firstOffset: string
  firstTimestamp: string
  partitionLeaderEpoch: number
  inTransaction: boolean
  isControlBatch: boolean
  lastOffsetDelta: number
  producerId: string
  producerEpoch: number
  firstSequence: number
  maxTimestamp: string
  timestampType: number
  magicByte: number
}

/** A record as kafkajs's `recordBatch/record/v0/decoder` returns it. */
export interface FetchRecord {
  magicByte: number
  attributes: number
  timestamp: string
  offset: string
  key: Buffer | null
  value: Buffer | null
  headers: Record<string, Buffer | null | (Buffer | null)[]>
  isControlRecord: boolean
  batchContext: FetchBatchContext
}

/** kafkajs's compression codec (what `lookupCodecByAttributes` returns). */
export interface FetchCodec {
  decompress(buffer: Buffer): Promise<Buffer>
}

/** kafkajs's `lookupCodecByAttributes` from `protocol/message/compression`. */
export type LookupCodec = (attributes: number) => FetchCodec | null

const TIMESTAMP_TYPE_FLAG_MASK = 0x8
const TRANSACTIONAL_FLAG_MASK = 0x10
const CONTROL_FLAG_MASK = 0x20
const LOG_APPEND_TIME = 1
const CREATE_TIME = 0
/** Batch header bytes after the length field, up to the record count. */
const BATCH_HEADER_AFTER_LENGTH = 45

/**
 * Decode one record batch (magic 2) whose length field says `length` bytes and which starts at `cursor.pos`
 * (just after the length field), appending its records to `out`, as kafkajs's `recordBatch/v0/decoder` does.
 * Decompression goes through kafkajs's codec lookup and stays asynchronous: for a compressed batch the records
 * are appended when the returned promise settles (await it before the next batch); an uncompressed batch is
 * decoded at once and nothing is returned.
 *
 * @example
 * ```ts
 * const firstOffset = cursor.int64()
 * const firstOffsetNumber = cursor.lastInt64
 * const length = cursor.int32()
 * await decodeRecordBatch(cursor, firstOffset, firstOffsetNumber, length, lookupCodec, records)
 * ```
 */
export function decodeRecordBatch(
  cursor: FetchCursor,
  firstOffset: string,
  firstOffsetNumber: number | undefined,
  length: number,
  lookupCodec: LookupCodec,
  out: FetchRecord[],
): Promise<void> | undefined {
  const batchEnd = cursor.pos + length
  const outerEnd = cursor.end
  cursor.end = batchEnd
  if (length < BATCH_HEADER_AFTER_LENGTH) fallback()
  const partitionLeaderEpoch = cursor.int32()
  const magicByte = cursor.int8()
  cursor.pos += 4 // CRC: kafkajs does not check it either
  const attributes = cursor.int16()
  const lastOffsetDelta = cursor.int32()
  const firstTimestamp = cursor.int64()
  const firstTimestampNumber = cursor.lastInt64
  const maxTimestamp = cursor.int64()
  const producerId = cursor.int64()
  const producerEpoch = cursor.int16()
  const firstSequence = cursor.int32()
  const timestampType = (attributes & TIMESTAMP_TYPE_FLAG_MASK) > 0 ? LOG_APPEND_TIME : CREATE_TIME
  const codec = lookupCodec(attributes)
  const context: FetchBatchContext = {
    firstOffset,
    firstTimestamp,
    partitionLeaderEpoch,
    inTransaction: (attributes & TRANSACTIONAL_FLAG_MASK) > 0,
    isControlBatch: (attributes & CONTROL_FLAG_MASK) > 0,
    lastOffsetDelta,
    producerId,
    producerEpoch,
    firstSequence,
    maxTimestamp,
    timestampType,
    magicByte,
  }
  const timestamps: Timestamps = {
    logAppend: timestampType === LOG_APPEND_TIME ? maxTimestamp : undefined,
    first: firstTimestamp,
    firstNumber: firstTimestampNumber,
    lastNumber: Number.NaN,
    last: '',
  }
  const count = cursor.int32()
  let decompressed: Promise<void> | undefined
  if (codec === null) {
    if (count < -1) fallback()
    for (let i = 0; i < count; i++) {
      out.push(decodeRecord(cursor, context, timestamps, firstOffset, firstOffsetNumber))
    }
  } else if (count > 0) {
    const records = (recordsBuffer: Buffer): void => {
      if (!Buffer.isBuffer(recordsBuffer)) fallback()
      const inner = new FetchCursor(recordsBuffer, 0, recordsBuffer.length)
      for (let i = 0; i < count; i++) {
        out.push(decodeRecord(inner, context, timestamps, firstOffset, firstOffsetNumber))
      }
    }
    decompressed = codec.decompress(cursor.buf.subarray(cursor.pos, batchEnd)).then(records)
  }
  cursor.pos = batchEnd
  cursor.end = outerEnd
  return decompressed
}

interface Timestamps {
  /** The batch's max timestamp when the batch uses log-append time (then every record has it). */
  logAppend: string | undefined
  first: string
  firstNumber: number | undefined
  /** The last record's timestamp: the records of a batch often share one, and then its string too. */
  lastNumber: number
  last: string
}

function decodeRecord(
  cursor: FetchCursor,
  batchContext: FetchBatchContext,
  ts: Timestamps,
  firstOffset: string,
  firstOffsetNumber: number | undefined,
): FetchRecord {
  const length = cursor.varint()
  if (length < 0) fallback()
  cursor.need(length)
  const recordEnd = cursor.pos + length
  const outerEnd = cursor.end
  cursor.end = recordEnd
  const attributes = cursor.int8()
  const timestampDelta = cursor.varlong()
  const timestamp = ts.logAppend ?? recordTimestamp(ts, timestampDelta)
  const offset = addToInt64(firstOffset, firstOffsetNumber, cursor.varint())
  const key = cursor.varBytes()
  const value = cursor.varBytes()
  const headers = decodeHeaders(cursor)
  cursor.pos = recordEnd
  cursor.end = outerEnd
  return {
    magicByte: batchContext.magicByte,
    attributes,
    timestamp,
    offset,
    key,
    value,
    headers,
    isControlRecord: batchContext.isControlBatch,
    batchContext,
  }
}

/** `base + delta` as a decimal string: Number arithmetic while exact, bigint beyond (kafkajs's Long does not wrap). */
function addToInt64(base: string, baseNumber: number | undefined, delta: number | bigint): string {
  if (baseNumber !== undefined && typeof delta === 'number') {
    const sum = baseNumber + delta
    if (Number.isSafeInteger(sum)) return decimal(sum)
  }
  return String(BigInt(base) + BigInt(delta))
}

/** The batch's first timestamp plus the record's delta, reusing the previous record's string when equal. */
function recordTimestamp(ts: Timestamps, delta: number | bigint): string {
  if (ts.firstNumber !== undefined && typeof delta === 'number') {
    const sum = ts.firstNumber + delta
    if (sum === ts.lastNumber) return ts.last
    if (Number.isSafeInteger(sum)) {
      ts.lastNumber = sum
      ts.last = decimal(sum)
      return ts.last
    }
  }
  return String(BigInt(ts.first) + BigInt(delta))
}

type Headers = FetchRecord['headers']

/**
 * Headers as kafkajs builds them: an object keyed by header name (a `null` name becomes `"null"`), a repeated
 * name collecting its values into an array. Like kafkajs it reads `headers[name]` through the prototype, so the
 * result is the same for names such as `toString`; `__proto__` is defined as an own property, as kafkajs's
 * spread does.
 */
function decodeHeaders(cursor: FetchCursor): Headers {
  const count = cursor.varint()
  const headers: Headers = {}
  if (count < -1) fallback()
  for (let i = 0; i < count; i++) {
    const name = String(cursor.varString())
    const value = cursor.varBytes()
    const previous: unknown = headers[name]
    const next =
      previous === undefined
        ? value
        : Array.isArray(previous)
          ? previous.concat([value])
          : [previous as Buffer | null, value]
    if (name === '__proto__') {
      Object.defineProperty(headers, name, {
        value: next,
        enumerable: true,
        configurable: true,
        writable: true,
      })
    } else {
      headers[name] = next
    }
  }
  return headers
}
