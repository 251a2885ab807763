/** Smallest buffer the pool makes: a default batch (`batch.size`, 1 MB) of records fits. */
const MIN_BYTES = 1 << 20
/** Buffers larger than this are not kept (a rare huge batch should not pin its memory). */
const MAX_POOLED_BYTES = 16 << 20

/**
 * A few large scratch buffers, reused: each compressed batch writes its records into one before the codec
 * compresses them, and gives it back once the codec is done with it. Without the pool every batch allocates
 * (and page-faults in) a fresh megabyte outside the JavaScript heap, and that external memory makes V8 run
 * extra garbage collections.
 *
 * @example
 * ```ts
 * const pool = new BufferPool(4)
 * const scratch = pool.take(700_000) // 700,000 bytes, the rest of a reused buffer unused
 * try { await compress(scratch) } finally { pool.give(scratch) }
 * ```
 */
export class BufferPool {
  readonly #free: Buffer[] = []
  readonly #keep: number

  /** Keep at most `keep` free buffers. */
  constructor(keep: number) {
    this.#keep = keep
  }

  /** A buffer of exactly `size` bytes (contents undefined), a view of a pooled buffer when one is big enough. */
  take(size: number): Buffer {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      const buf = this.#free[i] as Buffer
      if (buf.length >= size) {
        this.#free.splice(i, 1)
        return buf.subarray(0, size)
      }
    }
    return Buffer.allocUnsafeSlow(Math.max(size, MIN_BYTES)).subarray(0, size)
  }

  /** Give back a buffer from {@link BufferPool.take}; nothing may use it afterwards. */
  give(view: Buffer): void {
    const bytes = view.buffer.byteLength
    if (view.byteOffset !== 0 || bytes > MAX_POOLED_BYTES || this.#free.length >= this.#keep) return
    this.#free.push(Buffer.from(view.buffer, 0, bytes))
  }
}
