/** Slab size: a megabyte holds about a thousand 1 KiB messages, one `produce()` batch. */
const SLAB_BYTES = 1 << 20
/** Strings longer than this get a buffer of their own (a large message would waste most of a slab). */
const MAX_SHARED_BYTES = 64 * 1024

/**
 * Turns message text (or bytes written elsewhere, e.g. JSON) into message values by writing them into large shared slabs and handing out views, instead of one
 * `Buffer.from` per message (which allocates from Node's 8 KiB pool, so every eighth 1 KiB message makes a new
 * pool, and copies through a UTF-8 encoder). A slab is freed once no queued message refers to it any more.
 * The views are read-only by convention: the producer never writes to a message after `produce()`.
 *
 * @example
 * ```ts
 * const slab = new ByteSlab()
 * slab.copy(Buffer.from('{"graceid": "G1"}')).toString() // '{"graceid": "G1"}'
 * slab.utf8('Zoë').length // 4
 * ```
 */
export class ByteSlab {
  #slab: Buffer = Buffer.allocUnsafeSlow(0)
  #offset = 0

  /** A copy of `bytes` (e.g. JSON written by `pythonJsonBytes` into a buffer it reuses). */
  copy(bytes: Uint8Array): Buffer {
    const n = bytes.length
    if (n > MAX_SHARED_BYTES) return Buffer.from(bytes)
    const at = this.#reserve(n)
    this.#slab.set(bytes, at)
    return this.#slab.subarray(at, at + n)
  }

  /** The UTF-8 bytes of any text. */
  utf8(text: string): Buffer {
    // At most 3 bytes per UTF-16 code unit; measuring first costs more than reserving the worst case.
    const worst = text.length * 3
    if (worst > MAX_SHARED_BYTES) return Buffer.from(text, 'utf8')
    const at = this.#reserve(worst)
    const n = this.#slab.write(text, at, worst, 'utf8')
    this.#offset = at + n
    return this.#slab.subarray(at, at + n)
  }

  /** Room for `n` bytes: the offset to write at (the slab is replaced when full). */
  #reserve(n: number): number {
    if (this.#offset + n > this.#slab.length) {
      this.#slab = Buffer.allocUnsafeSlow(SLAB_BYTES)
      this.#offset = 0
    }
    const at = this.#offset
    this.#offset += n
    return at
  }
}
