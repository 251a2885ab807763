import { createRequire } from 'node:module'
import { decompress as fzstdDecompress } from 'fzstd'
import { KafkaError } from '../errors.js'
import { type Callback, levelParam, nodeZstd } from './node-zstd.js'
import { asBuffer, type CompressionCodec, MAX_DECOMPRESSED_BYTES } from './types.js'
import { inlineZstdCompress, inlineZstdDecompress } from './zstd-inline.js'

/**
 * The zstd level gracedb-kafka writes by default: 1. On 1 MB batches of 1 KiB JSON messages it compresses about
 * 3× faster than level 3 (librdkafka's default, zstd's ZSTD_CLEVEL_DEFAULT), and its output was within a few
 * percent (4% smaller on the bench's random-hex batches, 1–3% larger on single 9–29 KB LIGO_LW uploads);
 * `compression.level` chooses another.
 */
export const DEFAULT_ZSTD_LEVEL = 1
/** zstd's own default level (ZSTD_CLEVEL_DEFAULT), which `compression.level: -1` means, as in librdkafka. */
const ZSTD_CLEVEL_DEFAULT = 3

interface NativeZstd {
  compress(data: Buffer, level?: number | null): Promise<Buffer>
  decompress(data: Buffer): Promise<Buffer>
}

let nativeZstd: Promise<NativeZstd | undefined> | undefined
/**
 * @mongodb-js/zstd, loaded on first use; undefined when it is not installed or its binary does not load. Its
 * `bindings.js` (the native functions) rather than its main module, whose `compress` drops the level argument
 * (1.2.2), so every batch would be level 3.
 */
export function loadNativeZstd(): Promise<NativeZstd | undefined> {
  nativeZstd ??= Promise.resolve()
    .then(() => createRequire(import.meta.url)('@mongodb-js/zstd/bindings.js') as unknown)
    .then(
      (mod) => {
        const api = mod as Partial<NativeZstd>
        const { compress, decompress } = api
        if (typeof compress !== 'function' || typeof decompress !== 'function') return undefined
        return {
          compress: (data, level) => stacked(compress(data, level)),
          decompress: (data) => stacked(decompress(data)),
        }
      },
      () => undefined,
    )
  return nativeZstd
}

/** The binding's napi errors carry no JS stack; as its main module does, rethrow them as `zstd: <message>`. */
function stacked(p: Promise<Buffer>): Promise<Buffer> {
  return p.catch((err: unknown) => {
    throw new Error(`zstd: ${(err as { message?: unknown }).message}`)
  })
}

function call(fn: (cb: Callback) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => fn((err, out) => (err ? reject(err) : resolve(out))))
}

/**
 * zstd-compress `data` at `level` (default {@link DEFAULT_ZSTD_LEVEL}; -1: zstd's default, 3) with the first
 * backend available.
 */
export async function zstdCompress(data: Buffer, level: number = DEFAULT_ZSTD_LEVEL): Promise<Buffer> {
  const at = level === -1 ? ZSTD_CLEVEL_DEFAULT : level
  const inline = inlineZstdCompress(data, at) // a small batch, in place (no thread-pool round trip)
  if (inline) return inline
  const node = nodeZstd()
  if (node) {
    return call((cb) => node.zstdCompress(data, { params: { [levelParam(node)]: at } }, cb))
  }
  const native = await loadNativeZstd()
  if (native) return native.compress(data, at)
  throw new KafkaError(
    'zstd compression needs Node >= 22.15 or the @mongodb-js/zstd package; install it or choose another compression',
    { code: 'ERR_KAFKA_ZSTD_UNAVAILABLE' },
  )
}

/** Decompress one or more zstd frames (with or without a content size) with the first backend available. */
export async function zstdDecompress(data: Buffer): Promise<Buffer> {
  const declared = declaredContentSize(data)
  if (declared !== undefined && declared > MAX_DECOMPRESSED_BYTES) {
    throw new KafkaError(`zstd frame declares ${declared} bytes, more than ${MAX_DECOMPRESSED_BYTES}`, {
      code: 'ERR_KAFKA_DECOMPRESS',
    })
  }
  const inline = inlineZstdDecompress(data, declared) // a small frame, in place
  if (inline) return inline
  const node = nodeZstd()
  if (node) {
    try {
      return await call((cb) => node.zstdDecompress(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES }, cb))
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ERR_BUFFER_TOO_LARGE') throw err
      throw new KafkaError(`zstd data inflates to more than ${MAX_DECOMPRESSED_BYTES} bytes`, {
        code: 'ERR_KAFKA_DECOMPRESS',
        cause: err,
      })
    }
  }
  const native = await loadNativeZstd()
  if (native) return native.decompress(data)
  return asBuffer(fzstdDecompress(data))
}

/**
 * The content size the first zstd frame of `data` declares in its header, when it declares one (frames written
 * in one shot do; streamed frames do not). Checked before inflating, whatever the backend.
 */
export function declaredContentSize(data: Uint8Array): number | undefined {
  if (data.length < 6 || asBuffer(data).readUInt32LE(0) !== 0xfd2fb528) return undefined
  const fhd = data[4] as number
  const fcsFlag = fhd >> 6
  const singleSegment = (fhd >> 5) & 1
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag] as number
  if (fcsBytes === 0) return undefined
  const at = 5 + (singleSegment ? 0 : 1) + ([0, 1, 2, 4][fhd & 3] as number)
  if (data.length < at + fcsBytes) return undefined
  const view = asBuffer(data)
  if (fcsBytes === 1) return view.readUInt8(at)
  if (fcsBytes === 2) return view.readUInt16LE(at) + 256
  if (fcsBytes === 4) return view.readUInt32LE(at)
  return Number(view.readBigUInt64LE(at))
}

/**
 * A kafkajs codec for zstd record batches, compress and decompress: Node's own zstd (node:zlib) on
 * Node ≥ 22.15 (batches up to 64 KiB at levels up to 3, and frames up to 64 KiB, on the calling thread; see
 * `INLINE_ZSTD_BYTES`), else @mongodb-js/zstd (prebuilt binaries from the npm registry, loaded lazily), else
 * decompression only through fzstd (pure JavaScript). ligo-gracedb produces zstd by default. Compresses at
 * `level` (default {@link DEFAULT_ZSTD_LEVEL}, 1; librdkafka writes 3); any zstd decoder reads every level.
 *
 * @example
 * ```ts
 * import kafkajs from 'kafkajs'
 * kafkajs.CompressionCodecs[kafkajs.CompressionTypes.ZSTD] = zstdCodec
 * ```
 */
export function zstdCodec(level: number = DEFAULT_ZSTD_LEVEL): CompressionCodec {
  return {
    compress: (encoder) => zstdCompress(encoder.buffer, level),
    decompress: (buffer) => zstdDecompress(buffer),
  }
}
