import { createRequire } from 'node:module'
import { KafkaError } from '../errors.js'
import { asBuffer, type CompressionCodec, MAX_DECOMPRESSED_BYTES } from './types.js'

/*
 * Kafka snappy comes in two shapes. Java producers (snappy-java's SnappyOutputStream) write the xerial framing:
 * an 8-byte magic (0x82 "SNAPPY" 0x00), a 4-byte version and a 4-byte compatible version, then chunks of
 * [4-byte big-endian length][raw snappy block] of at most 32 KiB of input each. librdkafka writes one raw
 * snappy block. Both Java's reader and librdkafka's (rd_kafka_snappy_java_uncompress) accept either, so we
 * write the xerial framing (what every Kafka client must read, since Java writes it) and read both.
 */

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER_BYTES = 16
const XERIAL_BLOCK = 32 * 1024

/** The parts of snappyjs (0.7.0, which ships no types) used here. */
interface Snappy {
  compress(uncompressed: Uint8Array): Uint8Array
  uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array
}
let snappy: Promise<Snappy> | undefined
/** snappyjs, loaded on first use. */
function load(): Promise<Snappy> {
  snappy ??= Promise.resolve().then(() => createRequire(import.meta.url)('snappyjs') as Snappy)
  return snappy
}

function corrupt(what: string, cause?: unknown): KafkaError {
  return new KafkaError(`corrupt snappy data: ${what}`, {
    code: 'ERR_KAFKA_DECOMPRESS',
    ...(cause === undefined ? {} : { cause }),
  })
}

/** True when `data` starts with snappy-java's xerial stream header. */
export function isXerialFramed(data: Uint8Array): boolean {
  return data.length >= XERIAL_HEADER_BYTES && XERIAL_MAGIC.equals(data.subarray(0, XERIAL_MAGIC.length))
}

/** Compress `data` in snappy-java's xerial framing (version 1, compatible version 1, 32 KiB chunks). */
export async function snappyCompress(data: Uint8Array): Promise<Buffer> {
  const lib = await load()
  const header = Buffer.alloc(XERIAL_HEADER_BYTES)
  XERIAL_MAGIC.copy(header, 0)
  header.writeInt32BE(1, 8)
  header.writeInt32BE(1, 12)
  const chunks: Uint8Array[] = [header]
  for (let start = 0; start < data.length; start += XERIAL_BLOCK) {
    const block = lib.compress(data.subarray(start, Math.min(data.length, start + XERIAL_BLOCK)))
    const size = Buffer.alloc(4)
    size.writeInt32BE(block.length, 0)
    chunks.push(size, block)
  }
  return Buffer.concat(chunks)
}

/** Decompress snappy data, xerial-framed (Java producers) or one raw block (librdkafka producers). */
export async function snappyDecompress(data: Uint8Array): Promise<Buffer> {
  const lib = await load()
  const raw = (block: Uint8Array, budget: number): Uint8Array => {
    try {
      return lib.uncompress(block, budget)
    } catch (err) {
      throw corrupt((err as Error).message, err)
    }
  }
  if (!isXerialFramed(data)) return asBuffer(raw(data, MAX_DECOMPRESSED_BYTES))
  const view = asBuffer(data)
  const out: Uint8Array[] = []
  let total = 0
  for (let at = XERIAL_HEADER_BYTES; at < view.length; ) {
    if (at + 4 > view.length) throw corrupt('truncated chunk length')
    const size = view.readInt32BE(at)
    at += 4
    if (size < 0 || at + size > view.length) throw corrupt('chunk longer than the data')
    const block = raw(view.subarray(at, at + size), MAX_DECOMPRESSED_BYTES - total)
    total += block.length
    out.push(block)
    at += size
  }
  return Buffer.concat(out, total)
}

/**
 * A kafkajs codec for snappy record batches (pure JavaScript, via snappyjs, loaded on first use): writes the
 * xerial framing Java producers write, reads it and librdkafka's raw blocks.
 *
 * @example
 * ```ts
 * import kafkajs from 'kafkajs'
 * kafkajs.CompressionCodecs[kafkajs.CompressionTypes.Snappy] = snappyCodec
 * ```
 */
export function snappyCodec(): CompressionCodec {
  return {
    compress: (encoder) => snappyCompress(encoder.buffer),
    decompress: (buffer) => snappyDecompress(buffer),
  }
}
