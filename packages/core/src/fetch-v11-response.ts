import { FetchCursor, fallback } from './fetch-cursor.js'
import { decodeRecordBatch, type FetchRecord, type LookupCodec } from './fetch-record-batch.js'

/** One partition of a decoded Fetch v11 response, as kafkajs's `fetch/v11/response.decode` returns it. */
export interface FetchPartition {
  partition: number
  errorCode: number
  highWatermark: string
  lastStableOffset: string
  lastStartOffset: string
  abortedTransactions: { producerId: string; firstOffset: string }[]
  preferredReadReplica: number
  messages: FetchRecord[]
}

/** A decoded Fetch v11 response, as kafkajs's `fetch/v11/response.decode` returns it. */
export interface FetchV11Response {
  throttleTime: number
  clientSideThrottleTime: number
  errorCode: number
  sessionId: number
  responses: { topicName: string | null; partitions: FetchPartition[] }[]
}

/** The record-batch format (magic 2) this decoder reads; older message sets go to kafkajs. */
const MAGIC_RECORD_BATCH = 2
/** Where the magic byte sits in a record batch and in the old message sets alike. */
const MAGIC_OFFSET = 16
/** kafkajs decodes a further batch only while this many bytes remain. */
const RECORD_BATCH_OVERHEAD = 49

/**
 * Decode a Fetch v11 response into exactly what kafkajs 2.2.4's own decoder returns, in one pass over the buffer:
 * plain reads, hand-decoded varints, offsets and timestamps as Number arithmetic while below 2^53, key, value
 * and header values as views on `raw`. Compressed batches are decompressed, one after another, by kafkajs's codec
 * for the batch (`lookupCodec`). A truncated trailing batch ends its partition silently, as in kafkajs. Throws
 * (`FetchDecodeFallback` or another error) on anything it does not decode as kafkajs would: old magic 0/1
 * message sets, malformed or out-of-range fields; the caller then hands the response to kafkajs's decoder.
 *
 * @example
 * ```ts
 * const compression = createRequire(import.meta.url)('kafkajs/src/protocol/message/compression')
 * const response = await decodeFetchV11(payload, compression.lookupCodecByAttributes)
 * ```
 */
export async function decodeFetchV11(raw: Buffer, lookupCodec: LookupCodec): Promise<FetchV11Response> {
  const cursor = new FetchCursor(raw, 0, raw.length)
  const clientSideThrottleTime = cursor.int32()
  const errorCode = cursor.int16()
  const sessionId = cursor.int32()
  const topicCount = arrayLength(cursor)
  const responses: FetchV11Response['responses'] = new Array(topicCount)
  for (let t = 0; t < topicCount; t++) {
    const topicName = cursor.string()
    const partitionCount = arrayLength(cursor)
    const partitions: FetchPartition[] = new Array(partitionCount)
    for (let p = 0; p < partitionCount; p++) partitions[p] = await decodePartition(cursor, lookupCodec)
    responses[t] = { topicName, partitions }
  }
  return { throttleTime: 0, clientSideThrottleTime, errorCode, sessionId, responses }
}

/** An int32 array length as kafkajs's `readArray` treats it: -1 is empty; other negatives are not ours. */
function arrayLength(cursor: FetchCursor): number {
  const length = cursor.int32()
  if (length === -1) return 0
  if (length < 0) fallback()
  return length
}

async function decodePartition(cursor: FetchCursor, lookupCodec: LookupCodec): Promise<FetchPartition> {
  const partition = cursor.int32()
  const partitionErrorCode = cursor.int16()
  const highWatermark = cursor.int64()
  const lastStableOffset = cursor.int64()
  const lastStartOffset = cursor.int64()
  const abortedCount = arrayLength(cursor)
  const abortedTransactions: FetchPartition['abortedTransactions'] = new Array(abortedCount)
  for (let i = 0; i < abortedCount; i++) {
    abortedTransactions[i] = { producerId: cursor.int64(), firstOffset: cursor.int64() }
  }
  const preferredReadReplica = cursor.int32()
  const messages = await decodeRecordSet(cursor, lookupCodec)
  return {
    partition,
    errorCode: partitionErrorCode,
    highWatermark,
    lastStableOffset,
    lastStartOffset,
    abortedTransactions,
    preferredReadReplica,
    messages,
  }
}

/** kafkajs's `fetch/v4/decodeMessages` for record batches: every complete batch's records, in order. */
async function decodeRecordSet(cursor: FetchCursor, lookupCodec: LookupCodec): Promise<FetchRecord[]> {
  const size = cursor.int32()
  const records: FetchRecord[] = []
  if (size <= 0) return records
  // kafkajs returns no records without skipping the set here, and reads what follows from inside it.
  cursor.need(size)
  if (size <= MAGIC_OFFSET || cursor.buf.readInt8(cursor.pos + MAGIC_OFFSET) !== MAGIC_RECORD_BATCH)
    fallback()
  const setEnd = cursor.pos + size
  const outerEnd = cursor.end
  cursor.end = setEnd
  while (setEnd - cursor.pos >= RECORD_BATCH_OVERHEAD) {
    const firstOffset = cursor.int64()
    const firstOffsetNumber = cursor.lastInt64
    const length = cursor.int32()
    if (length < 0) fallback()
    if (cursor.pos + length > setEnd) break // a partial trailing batch (maxBytes), as kafkajs
    const decompressed = decodeRecordBatch(
      cursor,
      firstOffset,
      firstOffsetNumber,
      length,
      lookupCodec,
      records,
    )
    if (decompressed !== undefined) await decompressed
  }
  cursor.pos = setEnd
  cursor.end = outerEnd
  return records
}
