import { createRequire } from 'node:module'
import { KafkaError } from '../errors.js'
import { asBuffer, type CompressionCodec, MAX_DECOMPRESSED_BYTES } from './types.js'

/*
 * Kafka's LZ4 is the LZ4 *frame* format (magic 0x184D2204) with a correct header checksum (KIP-57, record
 * format v1 and later). Java's KafkaLZ4BlockOutputStream and librdkafka write independent blocks of at most
 * 64 KiB without content checksum; Java's reader decodes each block on its own, so we write exactly that.
 * Reading handles linked blocks, block checksums (skipped), content sizes and content checksums (verified).
 */

const MAGIC = 0x184d2204
const FLG_VERSION_01 = 0x40
const FLG_BLOCK_INDEPENDENT = 0x20
const BD_64KB = 4 << 4
const BLOCK_SIZE = 64 * 1024
const UNCOMPRESSED_BIT = 0x80000000

/** The parts of lz4js (0.2.0, which ships no types) used here. */
interface Lz4 {
  compressBound(n: number): number
  compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    hashTable: Uint32Array,
  ): number
  decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number
}
interface Xxh32 {
  hash(seed: number, src: Uint8Array, index: number, length: number): number
}
let lz4: Promise<{ lz4: Lz4; xxh32: Xxh32 }> | undefined
/** lz4js, loaded on first use (it allocates 5 MB of buffers when it loads). */
function load(): Promise<{ lz4: Lz4; xxh32: Xxh32 }> {
  lz4 ??= Promise.resolve().then(() => {
    const require = createRequire(import.meta.url)
    return { lz4: require('lz4js') as Lz4, xxh32: require('lz4js/xxh32.js') as Xxh32 }
  })
  return lz4
}

/** Compress `data` to one LZ4 frame of independent 64 KiB blocks, as Kafka's Java client writes. */
export async function lz4Compress(data: Uint8Array): Promise<Buffer> {
  const { lz4: lib, xxh32 } = await load()
  const chunks: Uint8Array[] = []
  const header = Buffer.alloc(7)
  header.writeUInt32LE(MAGIC, 0)
  header[4] = FLG_VERSION_01 | FLG_BLOCK_INDEPENDENT
  header[5] = BD_64KB
  header[6] = (xxh32.hash(0, header, 4, 2) >> 8) & 0xff
  chunks.push(header)
  const table = new Uint32Array(1 << 16)
  const dst = new Uint8Array(lib.compressBound(BLOCK_SIZE))
  for (let start = 0; start < data.length; start += BLOCK_SIZE) {
    const length = Math.min(BLOCK_SIZE, data.length - start)
    const block = data.subarray(start, start + length)
    table.fill(0)
    const size = lib.compressBlock(block, dst, 0, length, table)
    const sizeField = Buffer.alloc(4)
    if (size === 0 || size >= length) {
      sizeField.writeUInt32LE((UNCOMPRESSED_BIT | length) >>> 0, 0)
      chunks.push(sizeField, block)
    } else {
      sizeField.writeUInt32LE(size, 0)
      chunks.push(sizeField, dst.slice(0, size))
    }
  }
  chunks.push(Buffer.alloc(4)) // end mark
  return Buffer.concat(chunks)
}

const FLG_BLOCK_CHECKSUM = 0x10
const FLG_CONTENT_SIZE = 0x08
const FLG_CONTENT_CHECKSUM = 0x04
const FLG_DICT_ID = 0x01
const MAX_BLOCK: Record<number, number> = { 4: 0x10000, 5: 0x40000, 6: 0x100000, 7: 0x400000 }

function corrupt(what: string): KafkaError {
  return new KafkaError(`corrupt LZ4 frame: ${what}`, { code: 'ERR_KAFKA_DECOMPRESS' })
}

/**
 * Decompress one LZ4 frame: independent or linked blocks, with or without block checksums, content size,
 * content checksum (verified) or dictionary id. The frame is parsed here (lz4js's own frame reader misplaces
 * block checksums); lz4js decodes the blocks.
 */
export async function lz4Decompress(data: Uint8Array): Promise<Buffer> {
  const { lz4: lib, xxh32 } = await load()
  const src = asBuffer(data)
  if (src.length < 7 || src.readUInt32LE(0) !== MAGIC) throw corrupt('bad magic number')
  const flg = src[4] as number
  if ((flg & 0xc0) !== FLG_VERSION_01) throw corrupt(`unsupported version ${(flg >> 6) & 3}`)
  const maxBlock = MAX_BLOCK[((src[5] as number) >> 4) & 7]
  if (maxBlock === undefined) throw corrupt('invalid maximum block size')
  let at = 6
  let declared: number | undefined
  if (flg & FLG_CONTENT_SIZE) {
    if (src.length < at + 8) throw corrupt('truncated header')
    declared = Number(src.readBigUInt64LE(at))
    at += 8
  }
  if (flg & FLG_DICT_ID) at += 4
  if (src.length <= at) throw corrupt('truncated header')
  if (src[at] !== ((xxh32.hash(0, src, 4, at - 4) >> 8) & 0xff)) throw corrupt('header checksum mismatch')
  at += 1
  const blockSum = (flg & FLG_BLOCK_CHECKSUM) !== 0
  // First pass: find the blocks and bound the output size.
  const blocks: { start: number; size: number; raw: boolean }[] = []
  let bound = 0
  for (;;) {
    if (src.length < at + 4) throw corrupt('truncated block size')
    const field = src.readUInt32LE(at)
    at += 4
    if (field === 0) break
    const raw = (field & UNCOMPRESSED_BIT) !== 0
    const size = field & ~UNCOMPRESSED_BIT
    if (size > maxBlock || src.length < at + size + (blockSum ? 4 : 0))
      throw corrupt('block longer than the data')
    blocks.push({ start: at, size, raw })
    bound += raw ? size : maxBlock
    at += size + (blockSum ? 4 : 0)
  }
  if (declared !== undefined) bound = declared
  if (bound > MAX_DECOMPRESSED_BYTES) {
    throw new KafkaError(`LZ4 frame would inflate to more than ${MAX_DECOMPRESSED_BYTES} bytes`, {
      code: 'ERR_KAFKA_DECOMPRESS',
    })
  }
  const dst = new Uint8Array(bound)
  let out = 0
  for (const b of blocks) {
    if (b.raw) {
      if (out + b.size > bound) throw corrupt('more data than its declared content size')
      dst.set(src.subarray(b.start, b.start + b.size), out)
      out += b.size
    } else {
      out = lib.decompressBlock(src, dst, b.start, b.size, out)
      if (!(out <= bound)) throw corrupt('a block decodes past the frame size')
    }
  }
  if (declared !== undefined && out !== declared) throw corrupt(`${out} bytes decoded, ${declared} declared`)
  if (flg & FLG_CONTENT_CHECKSUM) {
    if (src.length < at + 4) throw corrupt('truncated content checksum')
    if (src.readUInt32LE(at) !== xxh32.hash(0, dst, 0, out) >>> 0) throw corrupt('content checksum mismatch')
  }
  return asBuffer(dst.subarray(0, out))
}

/**
 * A kafkajs codec for LZ4 record batches (pure JavaScript, via lz4js, loaded on first use).
 *
 * @example
 * ```ts
 * import kafkajs from 'kafkajs'
 * kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4] = lz4Codec
 * ```
 */
export function lz4Codec(): CompressionCodec {
  return {
    compress: (encoder) => lz4Compress(encoder.buffer),
    decompress: (buffer) => lz4Decompress(buffer),
  }
}
