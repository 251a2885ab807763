/**
 * Thrown by {@link FetchCursor} when a read would leave its window or meets a value kafkajs would not decode the
 * way this decoder does. Callers catch it (and any other error) and hand the whole response to kafkajs's own
 * decoder, so kafkajs's behaviour on malformed input is kept. Internal: never reaches a user.
 *
 * @example
 * ```ts
 * await expect(decodeFetchV11(truncated, lookupCodec)).rejects.toBeInstanceOf(FetchDecodeFallback)
 * ```
 */
export class FetchDecodeFallback extends Error {
  override readonly name = 'FetchDecodeFallback'
}

const FALLBACK = new FetchDecodeFallback('fetch response: outside what the lean decoder handles')
const TWO_POW_32 = 4294967296
/** |high word| below 2^21: `high * 2^32 + low` is exact in a double. */
const SAFE_HIGH = 0x200000

const SMI_MIN = -2147483648
const SMI_MAX = 2147483647
const TEN_POW_9 = 1e9

/**
 * The decimal string of a safe integer, as `String(n)` gives it but faster beyond 32 bits: V8 converts a small
 * integer quickly and a larger one through its double-to-string path (several times slower, the main per-record
 * cost of timestamps); this splits it into two small integers, the low one padded to 9 digits.
 *
 * @example
 * ```ts
 * decimal(1_733_115_600_123) // '1733115600123'
 * ```
 */
export function decimal(n: number): string {
  if (n >= SMI_MIN && n <= SMI_MAX) return String(n)
  const magnitude = n < 0 ? -n : n
  const high = Math.floor(magnitude / TEN_POW_9)
  const digits = String(high) + String(magnitude - high * TEN_POW_9 + TEN_POW_9).slice(1)
  return n < 0 ? `-${digits}` : digits
}

/**
 * Throw the sentinel {@link FetchDecodeFallback} (one shared instance: no stack captured per throw), which hands
 * the response back to kafkajs's decoder.
 *
 * @example
 * ```ts
 * if (length < -1) fallback()
 * ```
 */
export function fallback(): never {
  throw FALLBACK
}

/**
 * A read position in a Fetch response buffer, bounded by `end` (the end of the enclosing response, batch or
 * record): plain big-endian reads and hand-decoded varints, with no objects made per read. 64-bit integers are
 * returned as decimal strings (what kafkajs's `readInt64().toString()` gives) and, while they are below 2^53,
 * as Numbers too.
 *
 * @example
 * ```ts
 * const cursor = new FetchCursor(buffer, 0, buffer.length)
 * const throttleTimeMs = cursor.int32()
 * ```
 */
export class FetchCursor {
  /** The last int64 read, as a Number when exact, else `undefined`. */
  lastInt64: number | undefined = undefined

  constructor(
    readonly buf: Buffer,
    public pos: number,
    public end: number,
  ) {}

  /** Fails over to kafkajs unless `n` more bytes are inside the window. */
  need(n: number): void {
    if (this.pos + n > this.end) fallback()
  }

  int8(): number {
    this.need(1)
    return this.buf.readInt8(this.pos++)
  }

  int16(): number {
    this.need(2)
    const v = this.buf.readInt16BE(this.pos)
    this.pos += 2
    return v
  }

  int32(): number {
    this.need(4)
    const v = this.buf.readInt32BE(this.pos)
    this.pos += 4
    return v
  }

  /** A signed int64 as a decimal string; `lastInt64` holds it as a Number when exact. */
  int64(): string {
    this.need(8)
    const high = this.buf.readInt32BE(this.pos)
    const low = this.buf.readUInt32BE(this.pos + 4)
    this.pos += 8
    if (high >= -SAFE_HIGH && high < SAFE_HIGH) {
      const n = high * TWO_POW_32 + low
      this.lastInt64 = n
      return decimal(n)
    }
    this.lastInt64 = undefined
    return String((BigInt(high) << 32n) + BigInt(low))
  }

  /** A zigzag varint, computed exactly as kafkajs's `Decoder.readVarInt` does (32-bit shifts and all). */
  varint(): number {
    const buf = this.buf
    let pos = this.pos
    const end = this.end
    let result = 0
    let shift = 0
    let byte: number
    do {
      if (pos >= end || shift > 63) fallback()
      byte = buf[pos++] as number
      result += (byte & 0x7f) << shift
      shift += 7
    } while (byte >= 0x80)
    this.pos = pos
    return (result >>> 1) ^ -(result & 1)
  }

  /**
   * A zigzag varlong (kafkajs's `readVarLong`, which does not wrap at 64 bits): a Number when it has at most 7
   * bytes (below 2^49), else a bigint.
   */
  varlong(): number | bigint {
    const buf = this.buf
    const start = this.pos
    let pos = start
    const end = this.end
    let raw = 0
    let scale = 1
    let byte: number
    do {
      if (pos >= end) fallback()
      if (pos - start === 7) return this.bigVarlong(start)
      byte = buf[pos++] as number
      raw += (byte & 0x7f) * scale
      scale *= 128
    } while (byte >= 0x80)
    this.pos = pos
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2
  }

  private bigVarlong(start: number): bigint {
    let pos = start
    let raw = 0n
    let shift = 0n
    let byte: number
    do {
      if (pos >= this.end || shift > 63n) fallback()
      byte = this.buf[pos++] as number
      raw += BigInt(byte & 0x7f) << shift
      shift += 7n
    } while (byte >= 0x80)
    this.pos = pos
    return (raw >> 1n) ^ -(raw & 1n)
  }

  /** `length` bytes as a view on the buffer (kafkajs's `slice`), `null` for -1. */
  bytes(length: number): Buffer | null {
    if (length === -1) return null
    if (length < -1) fallback()
    this.need(length)
    const start = this.pos
    this.pos = start + length
    return this.buf.subarray(start, this.pos)
  }

  /** A varint-length byte string (kafkajs's `readVarIntBytes`). */
  varBytes(): Buffer | null {
    return this.bytes(this.varint())
  }

  /** An int16-length UTF-8 string, `null` for -1 (kafkajs's `readString`). */
  string(): string | null {
    return this.#text(this.int16())
  }

  /** A varint-length UTF-8 string, `null` for -1 (kafkajs's `readVarIntString`). */
  varString(): string | null {
    return this.#text(this.varint())
  }

  /** `length` bytes as UTF-8, `null` for -1; another negative length is not kafkajs's format. */
  #text(length: number): string | null {
    if (length === -1) return null
    if (length < -1) fallback()
    this.need(length)
    const start = this.pos
    this.pos = start + length
    return this.buf.toString('utf8', start, this.pos)
  }
}
