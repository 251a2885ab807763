import { setTimeout as sleep } from 'node:timers/promises'
import { KafkaAuthenticationError, type KafkaError } from '@gracedb-kafka/core'
import type { Pending } from './delivery-ledger.js'
import type { LaneSession } from './idempotent-session.js'
import type { InternalBroker } from './kafkajs-cluster.js'
import type { LaneContext } from './partition-lane.js'
import { type SentBatch, SequencedBatches } from './sequenced-batches.js'
import { isOutOfOrder, isProducerStateLost, isTransient } from './transient.js'
import { WireOrder } from './wire-order.js'

/** At most this many unacknowledged batches per partition: the broker remembers the last 5 of a producer. */
export const PIPELINE_DEPTH = 5
/** Batches of a partition compressing at once: 2 beat 1 and 5 in paired runs (53k, 42k, 51k msg/s, 1 partition). */
const ENCODE_AHEAD = 2

/**
 * The records of one topic-partition of an idempotent producer, sent with up to {@link PIPELINE_DEPTH} requests
 * in flight, each batch with its own sequence numbers ({@link SequencedBatches}). Records are reported in order,
 * only once the broker's answer names this partition with an offset. A retriable failure stops new sends; once
 * nothing of this lane is in flight the unacknowledged batches are sent again in order with their original
 * sequence numbers (to the leader found anew), so the broker answers a batch it already wrote with its original
 * offset. `OUT_OF_ORDER_SEQUENCE_NUMBER` behind an unacknowledged batch is a consequence and is retried; anywhere
 * else, and `UNKNOWN_PRODUCER_ID`/`INVALID_PRODUCER_EPOCH`, a refusal for good, or records given up while in
 * doubt, mean a new producer id (once nothing is in flight), after which the batches are numbered from 0 again.
 *
 * @example
 * ```ts
 * const lane = new PipelinedLane('gracedb-dev.test', 0, context, session)
 * lane.push(pending)
 * lane.run()
 * ```
 */
export class PipelinedLane {
  readonly topic: string
  readonly partition: number
  readonly #ctx: LaneContext
  readonly #session: LaneSession
  readonly #batches: SequencedBatches
  #records: Pending[] = []
  #running = false
  #inFlight = 0
  #recovering = false
  #attempt = 0
  #lastError: KafkaError | undefined
  #broker: InternalBroker | undefined
  #refreshLeader = false
  #wake: (() => void) | undefined
  readonly #wire = new WireOrder(() => this.#notify())
  #holeLost = false // the producer id lost its state while a written batch was unanswered: it cannot be answered

  constructor(topic: string, partition: number, ctx: LaneContext, session: LaneSession) {
    this.topic = topic
    this.partition = partition
    this.#ctx = ctx
    this.#session = session
    this.#batches = new SequencedBatches(session.counter(topic, partition))
  }

  /** Whether records wait here (queued, or sent and not yet reported). */
  get busy(): boolean {
    return this.#batches.size > 0 || this.#trimHead() > 0
  }

  /** Append a record (its `message.partition` is this lane's). */
  push(p: Pending): void {
    this.#records.push(p)
    this.#notify()
  }

  /** Fail every record whose delivery timeout ran out, with the last error this lane saw. */
  expire(now: number): void {
    const fail = (p: Pending): void => {
      if (p.deadline <= now) this.#ctx.ledger.fail(p, this.#ctx.timeoutError(p, this.#lastError))
    }
    for (const b of this.#batches.all()) for (const p of b.records) fail(p)
    for (const p of this.#records) {
      if (p.deadline > now) break
      fail(p)
    }
    this.#notify()
  }

  /** Fail every record still here (on close). */
  failAll(error: () => KafkaError): void {
    for (const b of this.#batches.all()) for (const p of b.records) this.#ctx.ledger.fail(p, error())
    for (const p of this.#records) this.#ctx.ledger.fail(p, error())
    this.#notify()
  }

  /** Send until the lane is empty (or the producer closes). Safe to call while running. */
  run(): void {
    if (this.#running) {
      this.#notify()
      return
    }
    this.#running = true
    void this.#loop().finally(() => {
      this.#running = false
      if ((this.#records.length > 0 || this.#batches.size > 0) && !this.#ctx.closed()) this.run()
      else this.#ctx.onIdle(this)
    })
  }

  async #loop(): Promise<void> {
    const { conn, ledger } = this.#ctx
    while (!this.#ctx.closed()) {
      this.#batches.deliverHead(ledger, this.partition)
      if (this.#trimHead() === 0 && this.#batches.size === 0) return
      if (this.#inFlight > 0 && (this.#recovering || this.#session.renewDue)) {
        await this.#sleepUntilWoken()
        continue
      }
      if (this.#recovering) {
        await this.#backoff()
        this.#recovering = false
        this.#batches.resendAll()
        continue
      }
      // A batch given up while in doubt cannot be sent again with its numbers: a new producer id is needed.
      if (this.#batches.hasAbandoned()) this.#session.requestRenewal(this.#batches.generation)
      const since = Date.now()
      try {
        await conn.ensureConnected()
        // A written batch still unanswered keeps the producer id until it is answered (as a duplicate).
        const hole = this.#batches.hasHole() && !this.#holeLost
        if (hole) {
          this.#session.hold(this, () => this.#batches.hasHole() && !this.#holeLost && !this.#ctx.closed())
          await this.#session.connect()
        } else {
          await this.#session.ready()
          if (this.#session.renewDue) continue
        }
        if (this.#session.generation !== this.#batches.generation) {
          this.#holeLost = false
          this.#records = this.#batches.renumber(
            this.#session.counter(this.topic, this.partition),
            this.#records,
          )
          continue // acknowledged batches may now head the lane: report them before anything else
        }
        const next =
          this.#batches.nextToSend() ?? (hole && this.#session.renewDue ? undefined : this.#newBatch())
        if (next === undefined) {
          if (this.#batches.size > 0 || this.#trimHead() > 0) await this.#sleepUntilWoken()
          continue
        }
        if (this.#broker === undefined || this.#refreshLeader) {
          this.#broker = await this.#session.leader(this.topic, this.partition, this.#refreshLeader)
          this.#refreshLeader = false
        }
        if ((this.#session.renewDue && !hole) || this.#session.generation !== this.#batches.generation)
          continue
        if (this.#wire.waiting >= ENCODE_AHEAD) {
          await this.#sleepUntilWoken() // woken when one is handed to the connection
          continue
        }
        if (this.#inFlight > 0 && !this.#session.pipelinable(this.#broker)) {
          await this.#sleepUntilWoken() // (re)connecting: one request at a time, or a later one could overtake
          continue
        }
        this.#send(this.#broker, next)
      } catch (err) {
        const error = conn.mapError(err, since, this.topic, this.partition)
        this.#lastError = error
        this.#ctx.onError(error)
        this.#refreshLeader = true
        this.#recovering = true
        if (!isTransient(error, err)) this.#refuseWaiting(error) // e.g. an expired token: fail, as the old lane
      }
    }
  }

  /** Fail the records not in flight (queued, or batches waiting to be sent again) with a refusal for good. */
  #refuseWaiting(error: KafkaError): void {
    const { conn, ledger } = this.#ctx
    const waiting = this.#records.slice()
    for (const b of this.#batches.all())
      if (b.state === 'queued' || b.state === 'failed') waiting.push(...b.records)
    if (error instanceof KafkaAuthenticationError) {
      ledger.recordAuthError(error, waiting)
      void conn.reset()
    }
    for (const p of waiting) ledger.fail(p, error) // a batch sent before now holds given-up records: renewal
    this.#records = []
  }

  /** A new batch from the head of the queue, when fewer than the depth (`max.in.flight…`) are unacknowledged. */
  #newBatch(): SentBatch | undefined {
    const { batchNumMessages, batchSize, maxInFlight } = this.#ctx.tuning
    const depth = Math.max(1, Math.min(PIPELINE_DEPTH, maxInFlight)) // max.in.flight…, at most PIPELINE_DEPTH
    if (this.#batches.unacknowledged >= depth || this.#records.length === 0) return undefined
    const batch: Pending[] = []
    let bytes = 0
    let i = 0
    for (; i < this.#records.length; i++) {
      const p = this.#records[i] as Pending
      if (p.settled) continue // failed while queued (expired, closed): never sent
      if (batch.length >= batchNumMessages || (batch.length > 0 && bytes + p.size > batchSize)) break
      batch.push(p)
      bytes += p.size
    }
    this.#records.splice(0, i)
    return batch.length === 0 ? undefined : this.#batches.add(batch)
  }

  /** Drop settled records from the queue's head; how many remain. Later settled ones are skipped by #newBatch. */
  #trimHead(): number {
    const k = this.#records.findIndex((p) => !p.settled)
    if (k !== 0) this.#records.splice(0, k < 0 ? this.#records.length : k)
    return this.#records.length
  }

  /** Start encoding the batch and send it in its turn ({@link WireOrder}), without waiting for either. */
  #send(broker: InternalBroker, batch: SentBatch): void {
    const id = this.#session.begin()
    this.#inFlight++
    batch.state = 'flight'
    for (const p of batch.records) p.inDoubt = id.generation
    const since = Date.now()
    const request = {
      topic: this.topic,
      partition: this.partition,
      firstSequence: batch.firstSequence,
      messages: batch.records,
      compression: this.#ctx.compression.type,
      codec: this.#ctx.compression.codec,
    }
    const sending = this.#wire.send(this.#session.encode(broker, id, request))
    sending
      .then(
        (placed) => {
          this.#batches.acknowledge(batch, placed)
          this.#attempt = 0
          this.#lastError = undefined
        },
        (err: unknown) => this.#failed(batch, err, since),
      )
      .finally(() => {
        this.#inFlight--
        this.#session.end()
        this.#notify()
      })
  }

  #failed(batch: SentBatch, err: unknown, since: number): void {
    const { conn, ledger } = this.#ctx
    const error = conn.mapError(err, since, this.topic, this.partition)
    this.#lastError = error
    this.#ctx.onError(error)
    this.#recovering = true
    batch.state = 'failed'
    if (isProducerStateLost(err)) {
      // Out of order behind a batch that failed too is that failure's consequence: both are sent again.
      const consequence = isOutOfOrder(err) && this.#batches.hasUnacknowledgedBefore(batch)
      if (!consequence) {
        this.#holeLost = this.#batches.hasHole() // its records will be sent again under a new id (KIP-360)
        this.#session.requestRenewal(this.#batches.generation)
      }
      return
    }
    if (isTransient(error, err) || (err as { name?: string }).name === 'GraceDbKafkaPartitionMissing') {
      this.#refreshLeader = true
      conn.metadata.invalidate(this.topic)
      return
    }
    // Refused for good: the broker did not write these records. Later batches now leave a gap in the sequence.
    if (error instanceof KafkaAuthenticationError) {
      ledger.recordAuthError(error, batch.records)
      void conn.reset()
      void this.#session.reset()
    }
    for (const p of batch.records) {
      p.inDoubt = undefined
      ledger.fail(p, error)
    }
    this.#batches.remove(batch)
    this.#session.requestRenewal(this.#batches.generation)
  }

  async #backoff(): Promise<void> {
    let first = Number.POSITIVE_INFINITY
    for (const b of this.#batches.all())
      for (const p of b.records) if (!p.settled && p.deadline < first) first = p.deadline
    for (const p of this.#records) if (p.deadline < first) first = p.deadline
    await sleep(Math.max(0, Math.min(200 * 2 ** this.#attempt++, 2_000, first - Date.now())))
    this.expire(Date.now())
  }

  #sleepUntilWoken(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve
    })
  }

  #notify(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }
}
