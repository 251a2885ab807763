/** Slab size: a megabyte holds about a thousand 1 KiB messages, one `produce()` batch. */
const SLAB_BYTES = 1 << 20
/** Strings longer than this get a buffer of their own (a large message would waste most of a slab). */
const MAX_SHARED_BYTES = 64 * 1024

/**
 * Turns message text into bytes by writing it into large shared slabs and handing out views, instead of one
 * `Buffer.from` per message (which allocates from Node's 8 KiB pool, so every eighth 1 KiB message makes a new
 * pool, and copies through a UTF-8 encoder). A slab is freed once no queued message refers to it any more.
 * The views are read-only by convention: the producer never writes to a message after `produce()`.
 *
 * @example
 * ```ts
 * const slab = new ByteSlab()
 * slab.ascii('{"graceid": "G1"}').toString() // '{"graceid": "G1"}'
 * slab.utf8('Zoë').length // 4
 * ```
 */
export class ByteSlab {
  #slab: Buffer = Buffer.allocUnsafeSlow(0)
  #offset = 0

  /**
   * The bytes of text made only of code units below 0x80 (what `pythonJsonDumps` writes: every other character
   * is escaped), one byte per code unit. Text with other code units must go through {@link ByteSlab.utf8}.
   */
  ascii(text: string): Buffer {
    const n = text.length
    if (n > MAX_SHARED_BYTES) return Buffer.from(text, 'latin1')
    const at = this.#reserve(n)
    // For such text UTF-8 and Latin-1 are the same bytes; Buffer#write's UTF-8 path is the faster one.
    this.#slab.write(text, at, n, 'utf8')
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
