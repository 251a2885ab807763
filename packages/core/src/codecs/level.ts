import { promisify } from 'node:util'
import * as zlib from 'node:zlib'
import { InvalidOptionError } from '../errors.js'
import { asBuffer, type CompressionCodec, type CompressionName, MAX_DECOMPRESSED_BYTES } from './types.js'
import { zstdCodec } from './zstd.js'

const gzip = promisify(zlib.gzip)
const gunzip = promisify(zlib.gunzip)

/** The inclusive range of `compression.level` a codec takes, or undefined when it has no levels here. */
export interface CompressionLevelRange {
  readonly min: number
  readonly max: number
}

/**
 * The `compression.level` each codec accepts: librdkafka's range (-1 … 12, -1 meaning the codec library's own
 * default: zstd 3, gzip 6) narrowed to what the codec has. zstd -1 … 12 and gzip -1 … 9 (0: stored); LZ4 and
 * snappy have no levels here (our LZ4 writer has one speed), so only -1 is accepted for them and for `none`.
 *
 * @example
 * ```ts
 * COMPRESSION_LEVEL_RANGES.zstd // { min: -1, max: 12 }
 * ```
 */
export const COMPRESSION_LEVEL_RANGES: Readonly<Record<CompressionName, CompressionLevelRange | undefined>> =
  Object.freeze({
    zstd: Object.freeze({ min: -1, max: 12 }),
    gzip: Object.freeze({ min: -1, max: 9 }),
    lz4: undefined,
    snappy: undefined,
    none: undefined,
  })

/**
 * Check `level` for `compression`; throws {@link InvalidOptionError} naming `option` when the codec has no
 * levels (anything but -1) or `level` is outside its {@link COMPRESSION_LEVEL_RANGES | range}.
 *
 * @param owner - the class named in the message, e.g. `"GraceDbKafkaProducer"`.
 * @example
 * ```ts
 * checkCompressionLevel('zstd', 1, 'compressionLevel', 'GraceDbKafkaProducer') // fine
 * checkCompressionLevel('lz4', 5, 'compressionLevel', 'GraceDbKafkaProducer') // throws
 * ```
 */
export function checkCompressionLevel(
  compression: CompressionName,
  level: number,
  option: string,
  owner: string,
): void {
  const range = COMPRESSION_LEVEL_RANGES[compression]
  if (!Number.isInteger(level)) {
    throw new InvalidOptionError(option, `${owner}: option "${option}": expected an integer level`)
  }
  if (range === undefined && level !== -1) {
    throw new InvalidOptionError(
      option,
      `${owner}: option "${option}": compression "${compression}" has no levels here; expected -1 (its default)`,
    )
  }
  if (range !== undefined && (level < range.min || level > range.max)) {
    throw new InvalidOptionError(
      option,
      `${owner}: option "${option}": expected an integer from ${range.min} to ${range.max} for ${compression} (-1: the codec's default)`,
    )
  }
}

/**
 * A codec for `compression` that compresses at `level` (zstd and gzip; -1: the library's default, zstd 3 and
 * gzip 6), or undefined for codecs without levels. Decompresses as the plain codec does.
 *
 * @example
 * ```ts
 * const packed = await levelledCodec('zstd', 3)?.compress({ buffer: Buffer.from('{"a": 1}') })
 * ```
 */
export function levelledCodec(compression: CompressionName, level: number): CompressionCodec | undefined {
  if (compression === 'zstd') return zstdCodec(level)
  if (compression !== 'gzip') return undefined
  const gzipLevel = level === -1 ? zlib.constants.Z_DEFAULT_COMPRESSION : level
  return {
    compress: (encoder) => gzip(encoder.buffer, { level: gzipLevel }),
    decompress: async (buffer) => asBuffer(await gunzip(buffer, { maxOutputLength: MAX_DECOMPRESSED_BYTES })),
  }
}
