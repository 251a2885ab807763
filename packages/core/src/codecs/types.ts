/** The compression codecs a gracedb-kafka producer can write and its consumer reads (`compression.type`). */
export type CompressionName = 'zstd' | 'gzip' | 'lz4' | 'snappy' | 'none'

/**
 * Every {@link CompressionName}, in the order the docs list them.
 *
 * @example
 * ```ts
 * COMPRESSION_NAMES.includes('zstd') // true
 * ```
 */
export const COMPRESSION_NAMES: readonly CompressionName[] = Object.freeze([
  'zstd',
  'gzip',
  'lz4',
  'snappy',
  'none',
])

/** The shape of a kafkajs compression codec (`{ compress(encoder), decompress(buffer) }`). */
export interface CompressionCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>
  decompress(buffer: Buffer): Promise<Buffer>
}

/** kafkajs's `CompressionTypes` (declared here so that core needs no kafkajs dependency). */
export interface CompressionTypesLike {
  None: number
  GZIP: number
  Snappy: number
  LZ4: number
  ZSTD: number
}

/** kafkajs's `CompressionCodecs`: codec factories keyed by compression type. */
export type CompressionCodecTable = Record<number, unknown>

/** Largest batch a codec will inflate to (a corrupt or hostile length field cannot make us allocate more). */
export const MAX_DECOMPRESSED_BYTES: number = 256 * 1024 * 1024

/** A view of `bytes` as a Buffer, without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
