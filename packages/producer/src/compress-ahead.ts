import type { Pending } from './delivery-ledger.js'
import { type CompressedRecords, compressRecords } from './produce-request.js'

/** At most this many batches of one partition are compressed ahead of their turn. */
export const AHEAD_BATCHES = 128

/** Where a lane's batches end: `batch.num.messages` and `batch.size` (a record larger than that goes alone). */
export interface BatchLimits {
  readonly batchNumMessages: number
  readonly batchSize: number
}

interface Ahead {
  readonly records: Pending[]
  readonly compressed: Promise<CompressedRecords | undefined>
}

/**
 * Compresses a partition's batches while records are still being produced. A lane cuts its queue into batches
 * from the head, each ending where `batch.num.messages` or `batch.size` would be passed; this follows the same
 * cut over records as they are appended, and as soon as a batch is complete it starts compressing it on the
 * thread pool. A caller producing many messages in one synchronous loop (the event loop cannot send meanwhile)
 * thus has them compressed on another core during the loop, as librdkafka's background threads do for the
 * Python reference, instead of only after it.
 *
 * The lane asks for a batch's compressed records with {@link CompressAhead.take} once it has cut the batch:
 * they are used only when the batch holds exactly the records compressed (the same objects, in order). A batch
 * cut differently (records failed or expired while queued, a partial batch sent at the linger, records put back
 * after a new producer id) is compressed when it is encoded, as without this, and the cut is followed again
 * from the lane's queue as it is then.
 *
 * @example
 * ```ts
 * const ahead = new CompressAhead(tuning, compression)
 * queue.push(p)
 * ahead.pushed(queue)
 * // later, once the lane cut `batch` from the head of `queue`:
 * const compressed = ahead.take(batch, queue)
 * ```
 */
export class CompressAhead {
  readonly #limits: BatchLimits
  readonly #compression: number
  /** Compressions started, by a batch's first record. */
  readonly #ahead = new Map<Pending, Ahead>()
  /** Records at the end of the queue after the last complete batch, and their bytes. */
  #tail = 0
  #tailBytes = 0

  /** `compression`: kafkajs's codec number; 0 (none) compresses nothing. */
  constructor(limits: BatchLimits, compression: number) {
    this.#limits = limits
    this.#compression = compression
  }

  /** A record was appended to `queue` (the lane's queue, the record last). */
  pushed(queue: readonly Pending[]): void {
    if (this.#compression === 0) return
    const p = queue[queue.length - 1] as Pending
    const { batchNumMessages, batchSize } = this.#limits
    if (this.#tail > 0 && (this.#tail >= batchNumMessages || this.#tailBytes + p.size > batchSize)) {
      // The records before `p` make a batch the lane will cut the same way (unless something changes first).
      if (this.#ahead.size < AHEAD_BATCHES) {
        const end = queue.length - 1
        const records = queue.slice(end - this.#tail, end)
        const compressed = compressRecords(records, this.#compression)
        compressed.catch(() => {}) // a failure is met again, and reported, when the batch is encoded
        this.#ahead.set(records[0] as Pending, { records, compressed })
      }
      this.#tail = 0
      this.#tailBytes = 0
    }
    this.#tail++
    this.#tailBytes += p.size
  }

  /**
   * The lane cut `batch` from its queue (`queue`: what is left). Returns the records to send for it (the
   * compressed batch's own array when there is one, else `batch`) with their compression, if started.
   */
  take(
    batch: Pending[],
    queue: readonly Pending[],
  ): { records: Pending[]; compressed: Promise<CompressedRecords | undefined> | undefined } {
    const first = batch[0]
    const ahead = first === undefined ? undefined : this.#ahead.get(first)
    if (ahead !== undefined && sameRecords(ahead.records, batch)) {
      this.#ahead.delete(first as Pending)
      this.#realign(queue)
      return { records: ahead.records, compressed: ahead.compressed }
    }
    if (ahead !== undefined || this.#ahead.size > 0)
      this.reset(queue) // cut differently: start again
    else this.#realign(queue)
    return { records: batch, compressed: undefined }
  }

  /** Forget every compression started, and follow the cut from the head of `queue` as the lane would make it. */
  reset(queue: readonly Pending[]): void {
    this.#ahead.clear()
    const { batchNumMessages, batchSize } = this.#limits
    let count = 0
    let bytes = 0
    for (const p of queue) {
      if (p.settled) continue // skipped by the lane when it cuts
      if (count >= batchNumMessages || (count > 0 && bytes + p.size > batchSize)) {
        count = 0
        bytes = 0
      }
      count++
      bytes += p.size
    }
    this.#tail = count
    this.#tailBytes = bytes
  }

  /** The lane took records from the tail too (a partial batch): the tail is what is left. */
  #realign(queue: readonly Pending[]): void {
    if (queue.length < this.#tail) this.reset(queue)
  }
}

function sameRecords(a: readonly Pending[], b: readonly Pending[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
