/**
 * Room (bytes) left free before the bytes of an encoded request body: an Encoder marked with it lends its memory
 * to the Encoder that writes it (see {@link adoptEncodedBodies}). Shared by every copy of this package.
 */
export const HEADROOM: unique symbol = Symbol.for('@gracedb-kafka/encoder-headroom') as never
const FIXED: unique symbol = Symbol.for('@gracedb-kafka/encoder-adoption') as never

/** What the correction reads and writes of a kafkajs 2.2.4 `Encoder` (src/protocol/encoder.js). */
interface EncoderState {
  buf: Buffer
  offset: number
  [HEADROOM]?: number | undefined
}

type WriteEncoder = (this: EncoderState, value: EncoderState) => unknown

/**
 * kafkajs frames every request by writing its body into a new Encoder after the request header, and that one
 * into another after the size (`protocol/request.js`): two more copies of a Produce request (each into a
 * zero-filled buffer of the next power of two, e.g. 1 MiB for a 600 kB batch). A body written with
 * {@link HEADROOM} free bytes in front is not copied: the few bytes written so far go into that room, and the
 * writing Encoder continues in the body's memory (and may lend it on in turn). Anything else, a body already
 * lent once included, takes kafkajs's own path.
 */
function adopting(original: WriteEncoder): WriteEncoder {
  return function writeEncoder(this: EncoderState, value: EncoderState): unknown {
    const room = value?.[HEADROOM]
    const n = this.offset
    if (room === undefined || n > room || !Buffer.isBuffer(value.buf) || value.offset !== value.buf.length) {
      return original.call(this, value)
    }
    value[HEADROOM] = undefined // lent once: the bytes in front belong to this Encoder now
    const joined = Buffer.from(value.buf.buffer, value.buf.byteOffset - n, n + value.offset)
    this.buf.copy(joined, 0, 0, n)
    this.buf = joined
    this.offset = joined.length
    this[HEADROOM] = room - n
    return this
  }
}

/**
 * Let request bodies encoded with free room in front (marked {@link HEADROOM}) be framed by kafkajs without
 * being copied: on kafkajs's `Encoder` class itself (`kafkajs/src/protocol/encoder.js`), once per process;
 * unmarked values take kafkajs's own path unchanged. Returns whether it is in force; `false` (nothing changed)
 * when the class does not have kafkajs 2.2.x's shape.
 *
 * @example
 * ```ts
 * adoptEncodedBodies(require('kafkajs/src/protocol/encoder'))
 * const payload = Object.assign(Object.create(Encoder.prototype), { buf: body, offset: body.length, [HEADROOM]: 64 })
 * ```
 */
export function adoptEncodedBodies(encoder: { prototype: object }): boolean {
  const proto = encoder.prototype as Record<PropertyKey, unknown> | undefined
  if (proto === undefined || typeof proto.writeEncoder !== 'function') return false
  if (typeof proto.ensureAvailable !== 'function' || typeof proto.writeBufferInternal !== 'function')
    return false
  if (proto[FIXED] !== true) {
    proto.writeEncoder = adopting(proto.writeEncoder as WriteEncoder)
    proto[FIXED] = true
  }
  return true
}
