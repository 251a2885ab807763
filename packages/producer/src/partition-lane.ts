import { setTimeout as sleep } from 'node:timers/promises'
import { KafkaAuthenticationError, type KafkaError } from '@gracedb-kafka/core'
import type { Message, RecordMetadata } from 'kafkajs'
import type { ProducerConnection } from './connection.js'
import type { DeliveryLedger, Pending } from './delivery-ledger.js'
import type { LaneCompression } from './lane-compression.js'
import type { ProducerTuning } from './options.js'
import type { PipelinedLane } from './pipelined-lane.js'
import { isProducerStateLost, isTransient } from './transient.js'

/** The kafkajs message of a queued record (its timestamp as kafkajs types it, a decimal string). */
function toKafkajsMessage(p: Pending): Message {
  return {
    key: p.key,
    value: p.value,
    timestamp: String(p.timestamp),
    headers: p.headers,
    partition: p.partition,
  } as Message
}

/** What a lane shares with the rest of the sender. */
export interface LaneContext {
  conn: ProducerConnection
  ledger: DeliveryLedger
  tuning: ProducerTuning
  compression: LaneCompression
  closed: () => boolean
  timeoutError: (p: Pending, last: KafkaError | undefined) => KafkaError
  onIdle: (lane: PartitionLane | PipelinedLane) => void
  /** Told about every failed attempt (for a strict flush's explanation). */
  onError: (error: KafkaError) => void
}

/**
 * The records of one topic-partition, sent in order with at most one request in flight. A record is delivered
 * only when the broker's answer to a request that carried it names this partition with an offset; a missing
 * partition (kafkajs #1303) or a retriable error sends the same records again, with the same sequence numbers
 * (kafkajs rolls its sequence back when a request fails), until their delivery timeout. When the broker lost
 * or refused the producer id's state, or records whose outcome is unknown are given up, the producer id is
 * renewed before the next request, so a later request can never be taken for a duplicate of an earlier one.
 *
 * @example
 * ```ts
 * const lane = new PartitionLane('gracedb-dev.test', 0, context)
 * lane.push(pending)
 * lane.run()
 * ```
 */
export class PartitionLane {
  readonly topic: string
  readonly partition: number
  readonly #ctx: LaneContext
  #records: Pending[] = []
  #running = false
  #lastError: KafkaError | undefined
  /** The records of a request whose outcome is unknown: the next request must carry exactly these. */
  #unanswered: Pending[] | undefined

  constructor(topic: string, partition: number, ctx: LaneContext) {
    this.topic = topic
    this.partition = partition
    this.#ctx = ctx
  }

  /** Whether records wait here. */
  get busy(): boolean {
    return this.#records.some((p) => !p.settled)
  }

  /** Append a record (its `message.partition` is this lane's). */
  push(p: Pending): void {
    this.#records.push(p)
  }

  /** Fail every record whose delivery timeout ran out, with the last error this lane saw. */
  expire(now: number): void {
    for (const p of this.#records) {
      if (p.deadline > now) break
      this.#ctx.ledger.fail(p, this.#ctx.timeoutError(p, this.#lastError))
    }
  }

  /** Fail every record still here (on close). */
  failAll(error: () => KafkaError): void {
    for (const p of this.#records) this.#ctx.ledger.fail(p, error())
  }

  /** Send until the lane is empty (or the producer closes). Safe to call while running. */
  run(): void {
    if (this.#running) return
    this.#running = true
    void this.#loop().finally(() => {
      this.#running = false
      if (this.#records.length > 0 && !this.#ctx.closed()) this.run()
      else this.#ctx.onIdle(this)
    })
  }

  async #loop(): Promise<void> {
    const { conn, ledger } = this.#ctx
    for (let attempt = 0; !this.#ctx.closed(); ) {
      this.#dropSettled()
      if (this.#records.length === 0) return
      const since = Date.now()
      const request = this.#nextRequest()
      try {
        await conn.renewIfDue()
        await conn.ensureConnected()
        const metadata = await this.#send(request)
        const entry = metadata.find((m) => m.topicName === this.topic && m.partition === this.partition)
        const offset = entry?.baseOffset ?? entry?.offset
        if (
          entry === undefined ||
          (entry.errorCode ?? 0) !== 0 ||
          offset === undefined ||
          Number(offset) < 0
        ) {
          throw missingPartition(this.topic, this.partition)
        }
        const base = Number(offset)
        const logAppendTime = entry.logAppendTime === undefined ? -1 : Number(entry.logAppendTime)
        for (const [i, p] of request.entries()) {
          p.inDoubt = undefined
          ledger.succeed(p, { partition: this.partition, offset: base + i, logAppendTime })
        }
        this.#records.splice(0, request.length)
        this.#unanswered = undefined
        this.#lastError = undefined
        attempt = 0
      } catch (err) {
        const error = conn.mapError(err, since, this.topic, this.partition)
        this.#lastError = error
        this.#ctx.onError(error)
        if (isProducerStateLost(err)) {
          // The broker no longer knows (or accepts) our producer id: send again under a new one (KIP-360).
          for (const p of request) if (p.inDoubt !== undefined) conn.requestRenewal(p.inDoubt)
          this.#unanswered = undefined // a new producer id starts a new sequence: a fresh request is fine
        } else if (!isTransient(error, err) && !isMissingPartition(err)) {
          // Refused for good: the broker did not write these records.
          if (error instanceof KafkaAuthenticationError) {
            ledger.recordAuthError(error, request)
            await conn.reset()
          }
          for (const p of request) {
            p.inDoubt = undefined
            ledger.fail(p, error)
          }
          this.#unanswered = undefined
          continue
        } else {
          // Unknown outcome: send exactly the same records again (same sequence numbers, same batch), so the
          // broker recognises the batch if it was written. A larger batch with the same first sequence number
          // would be neither a duplicate nor in sequence (OUT_OF_ORDER_SEQUENCE_NUMBER).
          this.#unanswered = request
          conn.metadata.invalidate(this.topic)
        }
        // A loop, not Math.min(...): a spread of a few hundred thousand records overflows the stack.
        let first = Number.POSITIVE_INFINITY
        for (const p of this.#records) if (p.deadline < first) first = p.deadline
        await sleep(Math.max(0, Math.min(200 * 2 ** attempt++, 2_000, first - Date.now())))
        this.expire(Date.now())
      }
    }
  }

  async #send(request: Pending[]): Promise<RecordMetadata[]> {
    const { conn, compression } = this.#ctx
    const { producer, generation } = await conn.acquire()
    for (const p of request) p.inDoubt = generation
    try {
      return await producer.sendBatch({
        topicMessages: [{ topic: this.topic, messages: request.map(toKafkajsMessage) }],
        acks: conn.acks,
        compression: compression.type, // kafkajs's table: options refuse a level without idempotence
      })
    } finally {
      conn.release()
    }
  }

  /**
   * The next request: the unanswered one again while all its records are still pending (after a state loss
   * the producer id is renewed and a fresh request is taken), else records from the head.
   */
  #nextRequest(): Pending[] {
    const again = this.#unanswered
    if (again?.every((p) => !p.settled) && this.#records[0] === again[0]) return again
    this.#unanswered = undefined
    return this.#takeRequest()
  }

  /** Records from the head, within `batch.num.messages` and `batch.size`. */
  #takeRequest(): Pending[] {
    const { batchNumMessages, batchSize } = this.#ctx.tuning
    const out: Pending[] = []
    let bytes = 0
    for (const p of this.#records) {
      if (out.length >= batchNumMessages || (out.length > 0 && bytes + p.size > batchSize)) break
      out.push(p)
      bytes += p.size
    }
    return out
  }

  /**
   * Remove settled records from the lane. A record given up while in doubt (it may have been written) means
   * the next request could reuse its sequence numbers: the producer id is renewed first.
   */
  #dropSettled(): void {
    if (!this.#records.some((p) => p.settled)) return
    for (const p of this.#records) {
      if (p.settled && p.inDoubt !== undefined) this.#ctx.conn.requestRenewal(p.inDoubt)
    }
    this.#records = this.#records.filter((p) => !p.settled)
  }
}

const MISSING = 'GraceDbKafkaPartitionMissing'

function missingPartition(topic: string, partition: number): Error {
  return Object.assign(
    new Error(
      `The broker's answer did not include ${topic} [partition ${partition}] (kafkajs #1303): sending again`,
    ),
    { name: MISSING, retriable: true },
  )
}

function isMissingPartition(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === MISSING
}
