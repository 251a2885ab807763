import { isUtf8 } from 'node:buffer'

/** A header value as delivered: a string when it is valid UTF-8, otherwise the raw bytes. */
export type HeaderValue = string | Uint8Array

/**
 * One consumed message, with the keys of ligo-gracedb's message dict:
 * `{topic, partition, offset, key, value, timestamp, headers}`.
 */
export interface ConsumerMessage {
  /** The namespaced Kafka topic, e.g. `"gracedb-dev.gstlal"`. */
  topic: string
  partition: number
  offset: number
  /** The key as a UTF-8 string, the raw bytes when it is not valid UTF-8, or `null` when the message has none. */
  key: string | Uint8Array | null
  /**
   * The value decoded as the reference does: the parsed JSON when the bytes are valid JSON, otherwise the UTF-8
   * string, otherwise the raw bytes; `null` for a message without a value (a tombstone).
   */
  value: unknown
  /** Milliseconds since the epoch, or `null` when the message carries no timestamp. */
  timestamp: number | null
  /**
   * The headers as UTF-8 strings (all kept as bytes if any is not valid UTF-8; a repeated name keeps its last
   * value), or `null` when the message has none.
   */
  headers: Record<string, HeaderValue> | null
}

/** The fields of a kafkajs message that {@link decodeMessage} reads (structural, so tests need no kafkajs). */
export interface RawMessage {
  key?: Buffer | null
  value: Buffer | null
  timestamp: string
  offset: string
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * The bytes as a string when they are valid UTF-8 (as Python's `bytes.decode('utf-8')`: no lone surrogates, no
 * overlong forms; a BOM is kept), else `undefined`. A Buffer (what kafkajs delivers) is checked with
 * `isUtf8` (simdutf) and decoded without a copy, several times faster than a fatal TextDecoder, which stays
 * for other views.
 */
function strictUtf8(bytes: Uint8Array): string | undefined {
  if (Buffer.isBuffer(bytes)) return isUtf8(bytes) ? bytes.toString('utf8') : undefined
  try {
    return utf8.decode(bytes)
  } catch {
    return undefined
  }
}

/**
 * Decode a message value like ligo-gracedb's `poll()`: JSON first, then a UTF-8 string, then the raw bytes.
 * A value that is not JSON never throws.
 *
 * @example
 * ```ts
 * decodeValue(Buffer.from('{"graceid":"G1"}')) // { graceid: 'G1' }
 * decodeValue(Buffer.from('hello'))             // 'hello'
 * decodeValue(Buffer.from([0xff, 0xfe]))        // Uint8Array [0xff, 0xfe]
 * ```
 */
export function decodeValue(raw: Uint8Array | null | undefined): unknown {
  if (raw === null || raw === undefined) return null
  const text = strictUtf8(raw)
  if (text === undefined) return bytes(raw)
  // A UTF-8 BOM is not JSON for Python's json.loads either; it falls back to the string.
  if (text.length > 0 && text.charCodeAt(0) !== 0xfeff) {
    try {
      return JSON.parse(text)
    } catch {
      // not JSON: fall through to the string
    }
  }
  return text
}

/**
 * Decode a message key: the UTF-8 string, or the raw bytes when it is not valid UTF-8, or `null`.
 *
 * @example
 * ```ts
 * decodeKey(Buffer.from('G12345')) // 'G12345'
 * ```
 */
export function decodeKey(raw: Uint8Array | null | undefined): string | Uint8Array | null {
  if (raw === null || raw === undefined) return null
  return strictUtf8(raw) ?? bytes(raw)
}

/**
 * Decode kafkajs headers into a plain record, or `null` when there are none. As in the reference, values are
 * UTF-8 strings; if any value is not valid UTF-8, every value is kept as raw bytes. A repeated name keeps its
 * last value (a Python dict).
 *
 * @example
 * ```ts
 * decodeHeaders({ source: Buffer.from('gstlal') }) // { source: 'gstlal' }
 * ```
 */
export function decodeHeaders(raw: RawMessage['headers']): Record<string, HeaderValue> | null {
  if (raw === undefined || raw === null) return null
  const names = Object.keys(raw)
  if (names.length === 0) return null
  const values: [string, string | Uint8Array][] = []
  for (const name of names) {
    let v = raw[name]
    if (Array.isArray(v)) v = v[v.length - 1]
    if (v !== undefined) values.push([name, v])
  }
  const text: Record<string, HeaderValue> = {}
  for (const [name, v] of values) {
    const s = typeof v === 'string' ? v : strictUtf8(v)
    if (s === undefined) {
      const raws: Record<string, HeaderValue> = {}
      for (const [n, r] of values) raws[n] = typeof r === 'string' ? r : bytes(r)
      return raws
    }
    text[name] = s
  }
  return text
}

/**
 * Turn a kafkajs message of `topic`/`partition` into a {@link ConsumerMessage}.
 *
 * @example
 * ```ts
 * const msg = decodeMessage('gracedb-dev.test', 0, kafkajsMessage)
 * msg.value // the parsed JSON object
 * ```
 */
export function decodeMessage(topic: string, partition: number, raw: RawMessage): ConsumerMessage {
  const ts = Number(raw.timestamp)
  return {
    topic,
    partition,
    offset: Number(raw.offset),
    key: decodeKey(raw.key),
    value: decodeValue(raw.value),
    timestamp: Number.isFinite(ts) && ts >= 0 ? ts : null,
    headers: decodeHeaders(raw.headers),
  }
}

/** A plain Uint8Array copy-free view (not a Buffer), so users see the same type whatever kafkajs allocated. */
function bytes(raw: Uint8Array): Uint8Array {
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
}
