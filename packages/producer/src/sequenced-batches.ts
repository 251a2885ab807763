import type { DeliveryLedger, Pending } from './delivery-ledger.js'
import type { BatchPlacement } from './idempotent-session.js'

/** Sequence numbers are Int32 on the wire; they wrap to 0 past this (as Kafka's and kafkajs's producers do). */
const INT32_MAX = 2_147_483_647

/**
 * The next sequence number of one partition under one producer-id generation. It outlives the lane (a lane
 * that falls idle is dropped; the next one continues the numbering), and is replaced on a new producer id.
 */
export interface SequenceCounter {
  readonly generation: number
  next: number
}

/** A batch of one partition with its sequence numbers, until its records are reported. */
export interface SentBatch {
  readonly records: Pending[]
  readonly firstSequence: number
  /** `queued`: to be sent (again); `flight`: awaiting its answer; `failed`: to be sent again; `acked`: written. */
  state: 'queued' | 'flight' | 'failed' | 'acked'
  placed: BatchPlacement | undefined
}

/**
 * The batches of one partition of an idempotent producer, in sequence order, under one producer-id generation:
 * assigns sequence numbers, keeps a batch's numbers across resends, reports acknowledged batches to the ledger
 * strictly from the head (records reach callers in order even when answers come out of order), and numbers
 * everything unacknowledged from 0 again under a new producer id.
 *
 * @example
 * ```ts
 * const batches = new SequencedBatches({ generation: 1, next: 0 })
 * const b = batches.add(records) // firstSequence 0
 * batches.acknowledge(b, { baseOffset: 42, logAppendTime: -1 })
 * batches.deliverHead(ledger, 0)
 * ```
 */
export class SequencedBatches {
  #batches: SentBatch[] = []
  #counter: SequenceCounter

  constructor(counter: SequenceCounter = { generation: -1, next: 0 }) {
    this.#counter = counter
  }

  /** The producer-id generation the sequence numbers belong to (-1 before the first). */
  get generation(): number {
    return this.#counter.generation
  }

  /** Batches not yet reported. */
  get size(): number {
    return this.#batches.length
  }

  /** Batches the broker has not acknowledged (the pipeline depth in use). */
  get unacknowledged(): number {
    let n = 0
    for (const b of this.#batches) if (b.state !== 'acked') n++
    return n
  }

  /** Every batch not yet reported, in order. */
  all(): readonly SentBatch[] {
    return this.#batches
  }

  /** A new batch of `records` with the next sequence numbers. */
  add(records: Pending[]): SentBatch {
    const counter = this.#counter
    const batch: SentBatch = {
      records,
      firstSequence: counter.next,
      state: 'queued',
      placed: undefined,
    }
    counter.next += records.length
    if (counter.next > INT32_MAX) counter.next -= INT32_MAX + 1
    this.#batches.push(batch)
    return batch
  }

  /** The first batch waiting to be sent (again), if it is the first one not in flight or written. */
  nextToSend(): SentBatch | undefined {
    for (const b of this.#batches) {
      if (b.state === 'queued') return b
      if (b.state === 'failed') return undefined // resendAll() first: order matters
    }
    return undefined
  }

  /** Mark every failed batch to be sent again, in order, with its original numbers. */
  resendAll(): void {
    for (const b of this.#batches) if (b.state === 'failed') b.state = 'queued'
  }

  /** Record the broker's answer for a batch. */
  acknowledge(batch: SentBatch, placed: BatchPlacement): void {
    batch.state = 'acked'
    batch.placed = placed
  }

  /** Forget a batch refused for good (its records were failed). */
  remove(batch: SentBatch): void {
    this.#batches = this.#batches.filter((b) => b !== batch)
  }

  /** Whether a batch before `batch` is still unacknowledged. */
  hasUnacknowledgedBefore(batch: SentBatch): boolean {
    for (const b of this.#batches) {
      if (b === batch) return false
      if (b.state !== 'acked') return true
    }
    return false
  }

  /**
   * Whether an unacknowledged batch (none of its records given up) precedes an acknowledged one: the broker
   * wrote it (it takes a producer's batches in sequence), and its answer is still to be had.
   */
  hasHole(): boolean {
    // Records are looked at only before the last acknowledged batch (answers come in order: seldom any).
    const batches = this.#batches
    let last = batches.length - 1
    while (last >= 0 && batches[last]!.state !== 'acked') last--
    for (let i = 0; i < last; i++) {
      const b = batches[i]!
      if (b.state !== 'acked' && !b.records.some((p) => p.settled)) return true
    }
    return false
  }

  /** Whether a batch that is not in flight has records already reported (given up): its numbers are spent. */
  hasAbandoned(): boolean {
    return this.#batches.some(
      (b) => b.state !== 'flight' && b.state !== 'acked' && b.records.some((p) => p.settled),
    )
  }

  /** Report acknowledged batches at the head, each record at its offset (-1 for a batch placed at -1). */
  deliverHead(ledger: DeliveryLedger, partition: number): void {
    while (this.#batches[0]?.state === 'acked') {
      const batch = this.#batches.shift() as SentBatch
      const { baseOffset, logAppendTime } = batch.placed as BatchPlacement
      const records = batch.records
      for (let i = 0; i < records.length; i++) {
        const p = records[i]!
        p.inDoubt = undefined
        ledger.succeed(p, { partition, offset: baseOffset >= 0 ? baseOffset + i : -1, logAppendTime })
      }
    }
  }

  /**
   * Continue with `counter` (a new producer id's, from 0): the records of unacknowledged batches (still
   * pending) go back before `queue`, in order. Call only with nothing in flight. Returns the queue.
   */
  renumber(counter: SequenceCounter, queue: Pending[]): Pending[] {
    const back: Pending[] = []
    const kept: SentBatch[] = []
    for (const b of this.#batches) {
      if (b.state === 'acked') kept.push(b)
      else for (const p of b.records) if (!p.settled) back.push(p)
    }
    for (const p of back) p.inDoubt = undefined
    this.#batches = kept
    this.#counter = counter
    return back.length === 0 ? queue : [...back, ...queue]
  }
}
