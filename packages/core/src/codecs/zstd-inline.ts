import { levelParam, nodeZstd } from './node-zstd.js'

/**
 * Batches up to this size are zstd-compressed, and frames up to this size inflated, on the calling thread when
 * Node has a synchronous zstd (node:zlib, Node ≥ 22.15). A single upload or alert is one such batch: handing it
 * to libuv's thread pool and back costs two thread wake-ups, which on this project's 2-core bench machine took
 * 0.2 ms at the median and 1.7–5.8 ms at the 99th percentile (Node 24, 22 KB, level 1), against 0.1 / 0.2–0.7 ms
 * for the same work done in place. Bigger batches still go to the thread pool, so that the event loop goes on
 * encoding the next one meanwhile.
 */
export const INLINE_ZSTD_BYTES: number = 64 * 1024

/**
 * Highest level compressed in place: 64 KiB at levels 1–3 took 0.1–0.2 ms on the bench machine, at level 12 up to
 * 1.8 ms, which would stall the event loop longer than the thread hop it saves.
 */
export const INLINE_ZSTD_MAX_LEVEL: number = 3

/**
 * Most bytes an in-place inflate may produce (about 1 ms of work); a frame that inflates to more goes to the
 * thread pool (with the codec's own cap, `MAX_DECOMPRESSED_BYTES`) instead.
 */
export const INLINE_INFLATE_BYTES: number = 1024 * 1024

/**
 * `data` zstd-compressed at `level` on this thread, or undefined when it should go to the thread pool (no
 * synchronous zstd in this Node, a batch over {@link INLINE_ZSTD_BYTES}, or a level over
 * {@link INLINE_ZSTD_MAX_LEVEL}).
 *
 * @example
 * ```ts
 * inlineZstdCompress(Buffer.from('{"graceid": "G1"}'), 1) // a zstd frame on Node ≥ 22.15, else undefined
 * ```
 */
export function inlineZstdCompress(data: Buffer, level: number): Buffer | undefined {
  const z = nodeZstd()
  if (!z || data.length > INLINE_ZSTD_BYTES || level > INLINE_ZSTD_MAX_LEVEL) return undefined
  return z.zstdCompressSync(data, { params: { [levelParam(z)]: level } })
}

/**
 * `data` inflated on this thread, or undefined when it should go to the thread pool (no synchronous zstd, a frame
 * over {@link INLINE_ZSTD_BYTES}, a declared content size over {@link INLINE_INFLATE_BYTES}, or more output than
 * that). Corrupt data throws, as the thread pool's path does.
 *
 * @example
 * ```ts
 * inlineZstdDecompress(frame, declaredContentSize(frame)) // the bytes, or undefined for the thread pool
 * ```
 */
export function inlineZstdDecompress(data: Buffer, declared: number | undefined): Buffer | undefined {
  const z = nodeZstd()
  if (!z || data.length > INLINE_ZSTD_BYTES || (declared ?? 0) > INLINE_INFLATE_BYTES) return undefined
  try {
    return z.zstdDecompressSync(data, { maxOutputLength: INLINE_INFLATE_BYTES })
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return undefined
    throw err
  }
}
