import * as zlib from 'node:zlib'

/** node:zlib's callback for its thread-pool zstd calls. */
export type Callback = (err: Error | null, out: Buffer) => void

/** node:zlib's zstd (Node ≥ 22.15, where the synchronous and the thread-pool functions came together). */
export interface NodeZstd {
  zstdCompress(buf: Buffer, options: { params: Record<number, number> }, cb: Callback): void
  zstdDecompress(buf: Buffer, options: { maxOutputLength: number }, cb: Callback): void
  zstdCompressSync(buf: Buffer, options: { params: Record<number, number> }): Buffer
  zstdDecompressSync(buf: Buffer, options: { maxOutputLength: number }): Buffer
  /** zlib's constants, among them `ZSTD_c_compressionLevel` and `ZSTD_c_contentSizeFlag`. */
  constants: Record<string, number | undefined>
}

// Checked once: the module's functions do not change, and every batch asks.
const detected: NodeZstd | undefined = detect()

function detect(): NodeZstd | undefined {
  const z = zlib as unknown as Partial<NodeZstd>
  return typeof z.zstdCompress === 'function' &&
    typeof z.zstdDecompress === 'function' &&
    typeof z.zstdCompressSync === 'function' &&
    typeof z.zstdDecompressSync === 'function'
    ? (z as NodeZstd)
    : undefined
}

/**
 * Node's own zstd, or undefined on a Node without it (before 22.15): one check for the four functions both zstd
 * paths use (in place for small batches, the thread pool for the rest).
 *
 * @example
 * ```ts
 * nodeZstd()?.zstdCompressSync(Buffer.from('{}'), { params: {} }) // a zstd frame, or undefined on Node 20
 * ```
 */
export function nodeZstd(): NodeZstd | undefined {
  return detected
}

/** The `params` key of zstd's compression level in node:zlib's options. */
export function levelParam(z: NodeZstd): number {
  return z.constants.ZSTD_c_compressionLevel ?? 100
}
