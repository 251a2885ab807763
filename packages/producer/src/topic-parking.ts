import { errorChain, type KafkaError, KafkaTopicError } from '@gracedb-kafka/core'
import type { PartitionMetadata } from 'kafkajs'
import type { Pending } from './delivery-ledger.js'
import { isTransient } from './transient.js'

/** What {@link TopicParking} needs from the sender. */
export interface ParkingContext {
  /** True once the producer stopped sending. */
  closed: () => boolean
  /** The topic's partitions, fetched afresh from the broker (after the startup gate). */
  partitions: (topic: string) => Promise<PartitionMetadata[]>
  /** Map a metadata failure for `topic` (see `ProducerConnection.mapError`). */
  mapError: (err: unknown, since: number, topic: string) => KafkaError
  /** Record the last error (what a stalled strict flush explains). */
  onError: (error: KafkaError) => void
  /** The topic appeared: hand its messages, in produce order, to the partition lanes. */
  release: (messages: Pending[], partitions: PartitionMetadata[]) => void
  /** The wait ended on another kind of error (not authorised, token refused…): fail the messages with it. */
  giveUp: (messages: Pending[], error: KafkaError, raw: unknown) => void
  /** Fail one message that outlived its delivery timeout. */
  expire: (p: Pending, error: KafkaError) => void
  /** `delivery.timeout.ms`, for the timeout message. */
  deliveryTimeoutMs: number
}

interface Parked {
  messages: Pending[]
  last: KafkaError
  attempt: number
  timer: NodeJS.Timeout | undefined
}

/** First and largest pause between two metadata checks of a parked topic (ms). */
const BACKOFF_MS = 200
const MAX_BACKOFF_MS = 2_000

/**
 * True when the broker said the topic does not exist (`UNKNOWN_TOPIC_OR_PARTITION`). Only such a topic is
 * waited for; a topic the token is not authorised for fails at once.
 */
export function isMissingTopic(error: KafkaError, raw: unknown): boolean {
  return (
    error instanceof KafkaTopicError &&
    error.code === 'ERR_KAFKA_TOPIC' &&
    errorChain(raw).some((e) => e.type === 'UNKNOWN_TOPIC_OR_PARTITION')
  )
}

/**
 * Messages for a topic the broker does not have (yet), waiting for it as librdkafka does: kept in produce order
 * while the topic's metadata is asked for again in the background (200 ms doubling to 2 s), handed to the
 * partition lanes when the topic appears, and failed one by one at their own delivery deadline otherwise (a
 * {@link KafkaTopicError} naming the topic). Other topics are not held up meanwhile.
 *
 * @example
 * ```ts
 * const parking = new TopicParking(ctx)
 * if (parking.has(topic)) parking.park(topic, batch, undefined)
 * ```
 */
export class TopicParking {
  readonly #ctx: ParkingContext
  readonly #parked = new Map<string, Parked>()

  constructor(ctx: ParkingContext) {
    this.#ctx = ctx
  }

  /** True while messages of `topic` wait for it; later messages of the topic must join them (order). */
  has(topic: string): boolean {
    return this.#parked.has(topic)
  }

  /** Topics with messages waiting. */
  topics(): string[] {
    return [...this.#parked.keys()]
  }

  /**
   * Add messages (in order, after those already waiting) for `topic`. `error` is the broker's answer that made
   * them wait; a new wait starts checking the topic in the background.
   */
  park(topic: string, messages: Pending[], error: KafkaError | undefined): void {
    let entry = this.#parked.get(topic)
    if (entry === undefined) {
      if (error === undefined) throw new Error(`internal: ${topic} is not parked`)
      entry = { messages: [], last: error, attempt: 0, timer: undefined }
      this.#parked.set(topic, entry)
      this.#arm(topic, entry)
    } else if (error !== undefined) {
      entry.last = error
    }
    for (const p of messages) if (!p.settled) entry.messages.push(p)
  }

  /** Fail every waiting message whose delivery deadline passed, with the topic problem as the reason. */
  expire(now: number): void {
    for (const [topic, entry] of this.#parked) {
      for (const p of entry.messages)
        if (!p.settled && p.deadline <= now) this.#ctx.expire(p, this.#timeout(p, entry.last))
      entry.messages = entry.messages.filter((p) => !p.settled)
      if (entry.messages.length === 0) this.#drop(topic, entry)
    }
  }

  /** Stop waiting; fail every waiting message with `error()`. */
  failAll(error: () => KafkaError): void {
    for (const [topic, entry] of this.#parked) {
      this.#drop(topic, entry)
      for (const p of entry.messages) if (!p.settled) this.#ctx.expire(p, error())
    }
  }

  #drop(topic: string, entry: Parked): void {
    clearTimeout(entry.timer)
    entry.timer = undefined
    if (this.#parked.get(topic) === entry) this.#parked.delete(topic)
  }

  #arm(topic: string, entry: Parked): void {
    const delay = Math.min(BACKOFF_MS * 2 ** entry.attempt, MAX_BACKOFF_MS)
    entry.attempt++
    entry.timer = setTimeout(() => {
      entry.timer = undefined
      void this.#check(topic, entry)
    }, delay)
  }

  async #check(topic: string, entry: Parked): Promise<void> {
    if (this.#parked.get(topic) !== entry || this.#ctx.closed()) return
    const since = Date.now()
    let partitions: PartitionMetadata[]
    try {
      partitions = await this.#ctx.partitions(topic)
    } catch (raw) {
      if (this.#parked.get(topic) !== entry || this.#ctx.closed()) return
      const error = this.#ctx.mapError(raw, since, topic)
      this.#ctx.onError(error)
      if (isMissingTopic(error, raw)) {
        entry.last = error
      } else if (!isTransient(error, raw) || error instanceof KafkaTopicError) {
        this.#drop(topic, entry)
        this.#ctx.giveUp(
          entry.messages.filter((p) => !p.settled),
          error,
          raw,
        )
        return
      } // else: the broker is unreachable for now; keep waiting (deadlines still apply), keep the topic reason
      this.#arm(topic, entry)
      return
    }
    if (this.#parked.get(topic) !== entry || this.#ctx.closed()) return
    this.#drop(topic, entry)
    this.#ctx.release(
      entry.messages.filter((p) => !p.settled),
      partitions,
    )
  }

  /** A message that waited for its topic until its delivery deadline. */
  #timeout(p: Pending, last: KafkaError): KafkaError {
    const seconds = this.#ctx.deliveryTimeoutMs / 1000
    const message = `Message to ${p.topic} was not delivered within ${seconds}s (delivery.timeout.ms): ${last.message}`
    const code = last instanceof KafkaTopicError ? last.code : 'ERR_KAFKA_TOPIC'
    return new KafkaTopicError(message, { code, topic: p.topic, cause: last })
  }
}
