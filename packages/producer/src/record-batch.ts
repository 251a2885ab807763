import type { IHeaders } from 'kafkajs'
import { batchTimestamps, int64Of } from './batch-timestamps.js'

/**
 * A record as the encoder reads it: a kafkajs `Message`, or the producer's own queued message (whose timestamp
 * is a number, which kafkajs reads the same way as its decimal string).
 */
export interface RecordLike {
  readonly key?: Buffer | string | null | undefined
  readonly value: Buffer | string | null
  /**
   * The value as bytes `valueOffset … valueOffset + valueLength` of this buffer, read instead of `value` when
   * set: a queued message keeps no Buffer object of its own (see `QueuedMessage`).
   */
  readonly valueBytes?: ArrayBufferLike | undefined
  readonly valueOffset?: number
  readonly valueLength?: number
  readonly headers?: IHeaders | undefined
  readonly timestamp?: string | number | undefined
}

/**
 * The records of one magic-v2 record batch, written the way kafkajs 2.2.4 writes them
 * (`protocol/recordBatch/record/v0`, `requests/produce/v3/request.js`), byte for byte, but straight into one
 * buffer sized beforehand: no Encoder per record, no growing buffers, no per-varint Buffers, no Long objects.
 *
 * Inputs kafkajs handles oddly (or throws on) are not imitated: {@link planRecords} returns `undefined` and the
 * caller lets kafkajs encode the request (same bytes or same error). That covers keys/values that are neither
 * string, Buffer nor null, header values that are not strings/Buffers (kafkajs throws), timestamps that are
 * not integers (kafkajs throws or writes 0), and lengths beyond what 32-bit varints hold.
 */

/** What {@link planRecords} measured: the sizes the second pass writes. */
export interface RecordsPlan {
  readonly count: number
  /** Bytes of all records (uncompressed). */
  readonly size: number
  readonly firstTimestamp: number
  readonly maxTimestamp: number
  readonly deltas: Float64Array
  readonly keySizes: Int32Array
  readonly valueSizes: Int32Array
  readonly bodySizes: Int32Array
}

const MAX_DELTA = 2 ** 52 // zig-zag of a safe integer stays a safe integer
const MAX_LENGTH = 2 ** 28 // zig-zag of a length stays a positive 32-bit integer (kafkajs's varint range)

/** Bytes of a zig-zag varint of a 32-bit integer (kafkajs `Encoder.sizeOfVarInt`). */
export function sizeOfVarInt(value: number): number {
  let v = (value << 1) ^ (value >> 31)
  let bytes = 1
  while ((v & 0xffffff80) !== 0) {
    bytes++
    v >>>= 7
  }
  return bytes
}

/** Bytes of a zig-zag varlong of a safe integer with |value| ≤ 2^52. */
function sizeOfVarLong(value: number): number {
  let v = value >= 0 ? value * 2 : -value * 2 - 1
  let bytes = 1
  while (v >= 128) {
    bytes++
    v = Math.floor(v / 128)
  }
  return bytes
}

/** Write a zig-zag varint of a 32-bit integer at `off`; returns the offset after it. */
export function writeVarInt(buf: Buffer, off: number, value: number): number {
  let v = (value << 1) ^ (value >> 31)
  while ((v & 0xffffff80) !== 0) {
    buf[off++] = (v & 0x7f) | 0x80
    v >>>= 7
  }
  buf[off++] = v
  return off
}

function writeVarLong(buf: Buffer, off: number, value: number): number {
  let v = value >= 0 ? value * 2 : -value * 2 - 1
  while (v >= 128) {
    buf[off++] = (v % 128) | 0x80
    v = Math.floor(v / 128)
  }
  buf[off++] = v
  return off
}

/** Byte length of a key/value (-1 for null), or NaN when kafkajs would not write it faithfully. */
function bytesSize(v: unknown): number {
  if (v === null || v === undefined) return -1
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8')
  if (Buffer.isBuffer(v)) return v.length
  return Number.NaN
}

/** Size of one header value (kafkajs `sizeOfHeaders`), NaN when kafkajs would throw on it. */
function headerValueSize(v: unknown): number {
  const n = typeof v === 'string' || Buffer.isBuffer(v) ? bytesSize(v) : Number.NaN
  return sizeOfVarInt(n) + n
}

/** Bytes of a record's headers (count and entries), NaN when kafkajs would not write them faithfully. */
function headersSize(headers: IHeaders | undefined): number {
  if (headers === undefined) return 1 // varint 0
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers) || Buffer.isBuffer(headers)) {
    return Number.NaN
  }
  let count = 0
  let size = 0
  for (const name of Object.keys(headers)) {
    const keySize = Buffer.byteLength(name, 'utf8')
    const v = headers[name]
    if (Array.isArray(v)) {
      for (const item of v) size += sizeOfVarInt(keySize) + keySize + headerValueSize(item)
      count += v.length
    } else {
      size += sizeOfVarInt(keySize) + keySize + headerValueSize(v)
      count++
    }
  }
  return sizeOfVarInt(count) + size
}

/**
 * Measure `messages` as the records of one batch (first pass): timestamps, deltas and every length. Returns
 * `undefined` for input kafkajs handles oddly (see the module comment): encode that request with kafkajs.
 */
export function planRecords(messages: readonly RecordLike[], dateNow: number): RecordsPlan | undefined {
  const count = messages.length
  const [first, max] = batchTimestamps(messages, dateNow)
  const firstTimestamp = int64Of(first)
  const maxTimestamp = int64Of(max)
  if (Number.isNaN(firstTimestamp) || Number.isNaN(maxTimestamp)) return undefined
  const deltas = new Float64Array(count)
  const keySizes = new Int32Array(count)
  const valueSizes = new Int32Array(count)
  const bodySizes = new Int32Array(count)
  let size = 0
  for (let i = 0; i < count; i++) {
    const m = messages[i]!
    // kafkajs: `(message.timestamp || dateNow) - firstTimestamp`, JavaScript coercions included.
    const delta = ((m.timestamp || dateNow) as number) - (first as number)
    if (!Number.isSafeInteger(delta) || delta > MAX_DELTA || delta < -MAX_DELTA) return undefined
    const ks = bytesSize(m.key)
    const vs = m.valueBytes === undefined ? bytesSize(m.value) : (m.valueLength as number)
    const hs = headersSize(m.headers)
    const body =
      1 +
      sizeOfVarLong(delta) +
      sizeOfVarInt(i) +
      (ks < 0 ? 1 : sizeOfVarInt(ks) + ks) +
      (vs < 0 ? 1 : sizeOfVarInt(vs) + vs) +
      hs
    // NaN (an input kafkajs does not write faithfully) fails this test too.
    if (!(body < MAX_LENGTH)) return undefined
    deltas[i] = delta
    keySizes[i] = ks
    valueSizes[i] = vs
    bodySizes[i] = body
    size += sizeOfVarInt(body) + body
  }
  if (!(size < 2 ** 31)) return undefined
  return { count, size, firstTimestamp, maxTimestamp, deltas, keySizes, valueSizes, bodySizes }
}

/** Write a key, value or header value of `size` bytes (-1: null) at `off`. */
function writeBytes(buf: Buffer, off: number, v: unknown, size: number): number {
  off = writeVarInt(buf, off, size)
  if (size <= 0) return off
  if (typeof v === 'string') buf.write(v, off, size, 'utf8')
  else buf.set(v as Buffer, off)
  return off + size
}

function writeHeaders(buf: Buffer, off: number, headers: IHeaders | undefined): number {
  if (headers === undefined) {
    buf[off] = 0
    return off + 1
  }
  let count = 0
  for (const name of Object.keys(headers)) {
    const v = headers[name]
    count += Array.isArray(v) ? v.length : 1
  }
  off = writeVarInt(buf, off, count)
  for (const name of Object.keys(headers)) {
    const keySize = Buffer.byteLength(name, 'utf8')
    const v = headers[name]
    for (const item of Array.isArray(v) ? v : [v]) {
      off = writeBytes(buf, off, name, keySize)
      off = writeBytes(
        buf,
        off,
        item,
        typeof item === 'string' ? Buffer.byteLength(item) : (item as Buffer).length,
      )
    }
  }
  return off
}

/**
 * Write the records of `plan` (second pass) into `buf` at `off`: exactly `plan.size` bytes. Returns the offset
 * after them.
 */
export function writeRecords(
  plan: RecordsPlan,
  messages: readonly RecordLike[],
  buf: Buffer,
  off: number,
): number {
  const { deltas, keySizes, valueSizes, bodySizes } = plan
  for (let i = 0; i < plan.count; i++) {
    const m = messages[i]!
    off = writeVarInt(buf, off, bodySizes[i]!)
    buf[off++] = 0 // record attributes
    off = writeVarLong(buf, off, deltas[i]!)
    off = writeVarInt(buf, off, i)
    off = writeBytes(buf, off, m.key, keySizes[i]!)
    const vs = valueSizes[i]!
    const value = m.valueBytes === undefined ? m.value : new Uint8Array(m.valueBytes, m.valueOffset, vs)
    off = writeBytes(buf, off, value, vs)
    off = writeHeaders(buf, off, m.headers)
  }
  return off
}
