/** Initial room of the shared output buffer; it grows by doubling and shrinks back after a large value. */
const INITIAL_BYTES = 64 * 1024
const HEX = '0123456789abcdef'
/** Strings at least this long are copied natively and checked afterwards (see {@link isPlainRun}). */
const NATIVE_COPY_CHARS = 32

/**
 * Whether `bytes[from, to)` (ASCII, as written by a latin1 copy of an ASCII string) has no control character
 * and no DEL: every byte in 0x20..0x7e. Four bytes at a time through `words` (an Int32Array over the same,
 * 4-byte aligned, memory): with y = byte + 1, a byte is bad when y < 0x21 or y >= 0x80, and since ASCII bytes
 * never carry into their neighbour, `(y - 0x21) | y` over a word sets a byte's high bit exactly when some byte of
 * the word is bad (a borrow only starts at a bad byte). About three times faster than a regular expression.
 */
function isPlainRun(bytes: Uint8Array, words: Int32Array, from: number, to: number): boolean {
  let acc = 0
  let i = from
  for (; i < to && (i & 3) !== 0; i++) {
    const y = (bytes[i] as number) + 1
    acc |= (y - 0x21) | y
  }
  const wordEnd = to >> 2
  for (let k = i >> 2; k < wordEnd; k++) {
    const y = (words[k] as number) + 0x01010101
    acc |= (y - 0x21212121) | y
  }
  for (i = Math.max(i, wordEnd << 2); i < to; i++) {
    const y = (bytes[i] as number) + 1
    acc |= (y - 0x21) | y
  }
  return (acc & 0x80808080) === 0
}

/** The two-character escapes `JSON.stringify` uses below 0x20, by code unit (0 where it writes `\u00XX`). */
const SHORT_ESCAPES = new Uint8Array(0x20)
SHORT_ESCAPES[0x08] = 0x62 // \b
SHORT_ESCAPES[0x09] = 0x74 // \t
SHORT_ESCAPES[0x0a] = 0x6e // \n
SHORT_ESCAPES[0x0c] = 0x66 // \f
SHORT_ESCAPES[0x0d] = 0x72 // \r

/**
 * A finite number as Python's `repr(float)` writes it when it is not an integer: the same shortest round-trip
 * digits as JavaScript, positional for exponents -4..15, otherwise `d.ddde±XX` (at least two exponent digits).
 * Integers are written as integers (JavaScript cannot tell `5` from `5.0`).
 */
function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n === 0 ? '0' : String(n)
  const exp = n.toExponential() // shortest digits, e.g. "1.5e-7"
  const at = exp.indexOf('e')
  const e = Number(exp.slice(at + 1))
  if (e >= -4 && e < 16) return String(n)
  const sign = e < 0 ? '-' : '+'
  return `${exp.slice(0, at)}e${sign}${String(Math.abs(e)).padStart(2, '0')}`
}

/** Writes JSON as bytes (ASCII only) into one growing buffer: no intermediate strings. */
class JsonWriter {
  #buf: Buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES)
  /** The same memory as `#buf`, four bytes at a time (`#buf` starts its own ArrayBuffer: aligned). */
  #words: Int32Array = new Int32Array(this.#buf.buffer, 0, this.#buf.length >> 2)
  pos = 0
  busy = false
  readonly #stack: unknown[] = []

  /** Room for `n` more bytes. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    const grown = Buffer.allocUnsafeSlow(size)
    grown.set(this.buf.subarray(0, this.pos))
    this.#use(grown)
  }

  /** Give the large buffer back after a large value (the next one starts small again). */
  shrink(): void {
    if (this.buf.length > INITIAL_BYTES * 16) this.#use(Buffer.allocUnsafeSlow(INITIAL_BYTES))
  }

  /** The output buffer (replaced only through `#use`, which keeps `#words` over the same memory). */
  get buf(): Buffer {
    return this.#buf
  }

  /** Write into `buf` from now on. */
  #use(buf: Buffer): void {
    this.#buf = buf
    this.#words = new Int32Array(buf.buffer, 0, buf.length >> 2)
  }

  /** Text known to be printable ASCII (numbers, punctuation). */
  ascii(text: string): void {
    this.room(text.length)
    const buf = this.buf
    let pos = this.pos
    for (let i = 0; i < text.length; i++) buf[pos++] = text.charCodeAt(i)
    this.pos = pos
  }

  /** A JSON string literal as Python writes it: `JSON.stringify`'s escapes, every code unit >= 0x7f as `\uXXXX`. */
  quote(s: string): void {
    if (
      s.length >= NATIVE_COPY_CHARS &&
      Buffer.byteLength(s, 'utf8') === s.length && // ASCII only
      s.indexOf('"') < 0 &&
      s.indexOf('\\') < 0
    ) {
      // A long ASCII string (e.g. a payload's text): one native copy, then a check of the copied bytes for control
      // characters; when there is none (the usual case) nothing needs escaping and the copy stands.
      this.room(s.length + 2)
      const buf = this.buf
      const at = this.pos + 1
      const n = buf.write(s, at, s.length, 'latin1')
      if (isPlainRun(buf, this.#words, at, at + n)) {
        buf[this.pos] = 0x22
        buf[at + n] = 0x22
        this.pos = at + n + 1
        return
      }
    }
    this.room(s.length * 6 + 2)
    const buf = this.buf
    let pos = this.pos
    buf[pos++] = 0x22
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) {
        buf[pos++] = c
        continue
      }
      buf[pos++] = 0x5c
      if (c === 0x22 || c === 0x5c) buf[pos++] = c
      else if (c < 0x20 && SHORT_ESCAPES[c] !== 0) buf[pos++] = SHORT_ESCAPES[c] as number
      else {
        buf[pos++] = 0x75 // u
        buf[pos++] = HEX.charCodeAt(c >> 12)
        buf[pos++] = HEX.charCodeAt((c >> 8) & 15)
        buf[pos++] = HEX.charCodeAt((c >> 4) & 15)
        buf[pos++] = HEX.charCodeAt(c & 15)
      }
    }
    buf[pos++] = 0x22
    this.pos = pos
  }

  /** Write `input` (as the value of `key`, for `toJSON`); false when it is skipped (undefined, a function...). */
  value(key: string, input: unknown): boolean {
    // Primitives first: no toJSON, no wrapper objects (the common case for every field of an event).
    switch (typeof input) {
      case 'string':
        this.quote(input)
        return true
      case 'number':
        this.ascii(Number.isFinite(input) ? formatNumber(input) : 'null')
        return true
      case 'boolean':
        this.ascii(input ? 'true' : 'false')
        return true
    }
    let value = input
    if (
      value !== null &&
      (typeof value === 'object' || typeof value === 'bigint') &&
      typeof (value as { toJSON?: unknown }).toJSON === 'function'
    ) {
      value = (value as { toJSON(key: string): unknown }).toJSON(key)
    }
    if (value instanceof Number) value = Number(value)
    else if (value instanceof String) value = String(value)
    else if (value instanceof Boolean) value = value.valueOf()
    if (value === null) {
      this.ascii('null')
      return true
    }
    switch (typeof value) {
      case 'boolean':
        this.ascii(value ? 'true' : 'false')
        return true
      case 'string':
        this.quote(value)
        return true
      case 'number':
        this.ascii(Number.isFinite(value) ? formatNumber(value) : 'null')
        return true
      case 'bigint':
        throw new TypeError('Do not know how to serialize a BigInt')
      case 'object':
        break
      default:
        return false // undefined, functions and symbols are skipped, as JSON.stringify does
    }
    const stack = this.#stack
    if (stack.includes(value)) throw new TypeError('Converting circular structure to JSON')
    stack.push(value)
    if (Array.isArray(value)) this.#array(value)
    else this.#object(value as Record<string, unknown>)
    stack.pop()
    return true
  }

  #array(value: readonly unknown[]): void {
    this.ascii('[')
    for (let i = 0; i < value.length; i++) {
      if (i > 0) this.ascii(', ')
      if (!this.value(String(i), value[i])) this.ascii('null')
    }
    this.ascii(']')
  }

  #object(obj: Record<string, unknown>): void {
    this.ascii('{')
    let first = true
    for (const k of Object.keys(obj)) {
      const mark = this.pos
      if (!first) this.ascii(', ')
      this.quote(k)
      this.ascii(': ')
      if (this.value(k, obj[k])) first = false
      else this.pos = mark // skipped: take back the separator and the key
    }
    this.ascii('}')
  }

  /** Serialise `value` from the start of the buffer; returns the length written. */
  write(value: unknown): number {
    this.pos = 0
    this.#stack.length = 0
    if (!this.value('', value)) throw new TypeError('value is not JSON-serialisable')
    return this.pos
  }
}

const shared = new JsonWriter()

/**
 * Serialise a value as {@link pythonJsonDumps} does and hand its ASCII bytes to `use`, without building the
 * text as a string. The bytes are only valid during the call (the buffer is reused): `use` copies them.
 *
 * @example
 * ```ts
 * const bytes = pythonJsonBytes({ graceid: 'G1' }, (b) => Buffer.from(b)) // <Buffer 7b 22 67 ...>
 * ```
 */
export function pythonJsonBytes<R>(value: unknown, use: (bytes: Uint8Array) => R): R {
  // A toJSON that serialises again (re-entrant call) gets a writer of its own.
  const writer = shared.busy ? new JsonWriter() : shared
  writer.busy = true
  try {
    const n = writer.write(value)
    return use(writer.buf.subarray(0, n))
  } finally {
    writer.busy = false
    writer.shrink()
  }
}

const latin1 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1')

/**
 * Serialise a value to JSON text exactly as Python's `json.dumps(value)` does with its defaults, which is what
 * ligo-gracedb puts on the wire: `", "` and `": "` separators, and every non-ASCII character escaped as `\uXXXX`
 * (so the bytes are pure ASCII). Which values are written, skipped or rejected follows `JSON.stringify`
 * (`toJSON`, `undefined` skipped, non-finite numbers as `null`, BigInt and cycles throw a `TypeError`), so
 * `JSON.parse(pythonJsonDumps(x))` equals `JSON.parse(JSON.stringify(x))`.
 *
 * @example
 * ```ts
 * pythonJsonDumps({ graceid: 'G1', far: 1.5e-7, name: 'Zoë' })
 * // '{"graceid": "G1", "far": 1.5e-07, "name": "Zo\\u00eb"}'
 * ```
 */
export function pythonJsonDumps(value: unknown): string {
  return pythonJsonBytes(value, latin1)
}
