import * as zlib from 'node:zlib'
import { decompress as fzstdDecompress } from 'fzstd'
import { KafkaError } from '../errors.js'
import { asBuffer, type CompressionCodec } from './types.js'

/** librdkafka's default zstd level (ZSTD_CLEVEL_DEFAULT). */
const ZSTD_LEVEL = 3

type Callback = (err: Error | null, out: Buffer) => void
interface NodeZstd {
  zstdCompress(buf: Buffer, options: { params: Record<number, number> }, cb: Callback): void
  zstdDecompress(buf: Buffer, cb: Callback): void
  constants: { ZSTD_c_compressionLevel?: number }
}
interface NativeZstd {
  compress(data: Buffer, level?: number): Promise<Buffer>
  decompress(data: Buffer): Promise<Buffer>
}

/** Node's own zstd (node:zlib, Node ≥ 22.15), or undefined on older Node. */
export function nodeZstd(): NodeZstd | undefined {
  const z = zlib as unknown as Partial<NodeZstd>
  return typeof z.zstdCompress === 'function' && typeof z.zstdDecompress === 'function'
    ? (z as NodeZstd)
    : undefined
}

let nativeZstd: Promise<NativeZstd | undefined> | undefined
/** @mongodb-js/zstd, loaded on first use; undefined when it is not installed or its binary does not load. */
export function loadNativeZstd(): Promise<NativeZstd | undefined> {
  nativeZstd ??= import('@mongodb-js/zstd').then(
    (mod) => {
      const api = ((mod as { default?: unknown }).default ?? mod) as Partial<NativeZstd>
      return typeof api.compress === 'function' && typeof api.decompress === 'function'
        ? (api as NativeZstd)
        : undefined
    },
    () => undefined,
  )
  return nativeZstd
}

function call(fn: (cb: Callback) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => fn((err, out) => (err ? reject(err) : resolve(out))))
}

/** zstd-compress `data` (level 3) with the first backend available. */
export async function zstdCompress(data: Buffer): Promise<Buffer> {
  const node = nodeZstd()
  if (node) {
    const level = node.constants.ZSTD_c_compressionLevel ?? 100
    return call((cb) => node.zstdCompress(data, { params: { [level]: ZSTD_LEVEL } }, cb))
  }
  const native = await loadNativeZstd()
  if (native) return native.compress(data, ZSTD_LEVEL)
  throw new KafkaError(
    'zstd compression needs Node >= 22.15 or the @mongodb-js/zstd package; install it or choose another compression',
    { code: 'ERR_KAFKA_ZSTD_UNAVAILABLE' },
  )
}

/** Decompress one or more zstd frames (with or without a content size) with the first backend available. */
export async function zstdDecompress(data: Buffer): Promise<Buffer> {
  const node = nodeZstd()
  if (node) return call((cb) => node.zstdDecompress(data, cb))
  const native = await loadNativeZstd()
  if (native) return native.decompress(data)
  return asBuffer(fzstdDecompress(data))
}

/**
 * A kafkajs codec for zstd record batches, compress and decompress: Node's own zstd (node:zlib) on
 * Node ≥ 22.15, else @mongodb-js/zstd (prebuilt binaries from the npm registry, loaded lazily), else
 * decompression only through fzstd (pure JavaScript). ligo-gracedb produces zstd by default.
 *
 * @example
 * ```ts
 * import kafkajs from 'kafkajs'
 * kafkajs.CompressionCodecs[kafkajs.CompressionTypes.ZSTD] = zstdCodec
 * ```
 */
export function zstdCodec(): CompressionCodec {
  return {
    compress: (encoder) => zstdCompress(encoder.buffer),
    decompress: (buffer) => zstdDecompress(buffer),
  }
}
