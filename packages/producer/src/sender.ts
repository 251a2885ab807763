import { setTimeout as sleep } from 'node:timers/promises'
import { KafkaAuthenticationError, type KafkaError, KafkaTopicError } from '@gracedb-kafka/core'
import type { PartitionMetadata } from 'kafkajs'
import { admit } from './admission.js'
import type { ProduceOptions } from './api-types.js'
import { BatchQueue } from './batch-queue.js'
import type { ProducerConnection } from './connection.js'
import { deliveryTimeoutError, unknownPartition } from './delivery-errors.js'
import type { DeliveryLedger, DeliveryReport, Pending } from './delivery-ledger.js'
import type { LaneCompression } from './lane-compression.js'
import type { ProducerTuning } from './options.js'
import { type LaneContext, PartitionLane } from './partition-lane.js'
import { choosePartition } from './partitioner.js'
import { PipelinedLane } from './pipelined-lane.js'
import { SendSchedule } from './send-schedule.js'
import { isMissingTopic, TopicParking } from './topic-parking.js'
import { isTransient } from './transient.js'

export { closedError } from './delivery-errors.js'

const NO_KEY = { key: null }

/**
 * Moves produced messages to the broker: a queue lingers to form batches ({@link SendSchedule}); each batch gets its partitions from
 * the topic's metadata and is split into per-partition lanes ({@link PartitionLane}), which send, verify and
 * retry on their own until `delivery.timeout.ms`. A deadline sweep fails what outlives its delivery timeout.
 *
 * @example
 * ```ts
 * const sender = new Sender(connection, ledger, opts.tuning, compression)
 * sender.enqueue(pending)
 * ```
 */
export class Sender {
  readonly #conn: ProducerConnection
  readonly #ledger: DeliveryLedger
  readonly #tuning: ProducerTuning
  readonly #compression: LaneCompression
  readonly #queue = new BatchQueue<Pending>()
  readonly #lanes = new Map<string, PartitionLane | PipelinedLane>()
  #batchNumber = 0
  readonly #schedule: SendSchedule
  #dispatching: Promise<void> | undefined
  #sweepTimer: NodeJS.Timeout | undefined
  #flushing = 0
  #closed = false
  #lastError: KafkaError | undefined
  readonly #noteError = (e: KafkaError): void => {
    this.#lastError = e
  }
  readonly #ready: () => Promise<void>
  readonly #parking: TopicParking

  constructor(
    conn: ProducerConnection,
    ledger: DeliveryLedger,
    tuning: ProducerTuning,
    compression: LaneCompression,
    ready: () => Promise<void>,
  ) {
    this.#ready = ready
    this.#conn = conn
    this.#ledger = ledger
    this.#tuning = tuning
    this.#compression = compression
    this.#schedule = new SendSchedule(tuning, { pump: () => this.#pump(), idle: () => this.#idle() })
    this.#parking = new TopicParking({
      closed: () => this.#closed,
      partitions: async (topic) => {
        await this.#ready()
        return this.#conn.metadata.partitions(topic, true)
      },
      mapError: (err, since, topic) => this.#conn.mapError(err, since, topic),
      onError: this.#noteError,
      release: (messages, partitions) => this.#assign(messages, partitions),
      giveUp: (messages, error) => void this.#fail(messages, error),
      expire: (p, error) => this.#ledger.fail(p, error),
      deliveryTimeoutMs: tuning.deliveryTimeoutMs,
    })
  }

  /** Messages queued (not yet given a partition), and their estimated bytes. */
  get queued(): { count: number; bytes: number } {
    return { count: this.#queue.count, bytes: this.#queue.bytes }
  }

  /** The last error a send or metadata request met since the last {@link Sender.takeLastError}. */
  takeLastError(): KafkaError | undefined {
    const last = this.#lastError
    this.#lastError = undefined
    return last
  }

  /** Topics with messages not yet delivered. */
  pendingTopics(): string[] {
    const topics = new Set(this.#queue.peekTopics())
    for (const lane of this.#lanes.values()) if (lane.busy) topics.add(lane.topic)
    for (const topic of this.#parking.topics()) topics.add(topic)
    return [...topics].sort()
  }

  /** Admit a message (see {@link admit}) and queue it; returns its delivery promise. */
  produce(topic: string, value: Buffer, options: ProduceOptions): Promise<DeliveryReport> {
    const ctx = { tuning: this.#tuning, ledger: this.#ledger, queuedBytes: this.#queue.bytes }
    const p = admit(topic, value, options, ctx)
    this.enqueue(p)
    return p.promise
  }

  /** Queue a message; it is sent after the linger, or at once (see {@link SendSchedule}). */
  enqueue(p: Pending): void {
    this.#queue.push(p)
    this.#schedule.queued(this.#queue, this.#flushing > 0)
    this.#armSweep()
  }

  /** While a flush (or ping) waits, queued messages are sent without lingering. */
  hurry(): () => void {
    this.#flushing++
    this.#pump()
    return () => {
      this.#flushing--
    }
  }

  /** Send queued messages at once and wait until nothing is pending, or `ms` pass (`undefined`: no limit). */
  async drain(ms: number | undefined): Promise<void> {
    if (this.#ledger.pending === 0) return
    const done = this.hurry()
    try {
      await this.#ledger.waitIdle(ms)
    } finally {
      done()
    }
  }

  /** Stop sending and retrying; fail everything not yet delivered with `error`. */
  close(error: () => KafkaError): void {
    this.#closed = true
    this.#schedule.clear()
    clearTimeout(this.#sweepTimer)
    this.#sweepTimer = undefined
    for (const p of this.#queue.drain()) this.#ledger.fail(p, error())
    this.#parking.failAll(error)
    for (const lane of this.#lanes.values()) lane.failAll(error)
  }

  /** The error a message gets when its delivery timeout runs out; it names the last cause. */
  timeoutError(p: Pending, last: KafkaError | undefined): KafkaError {
    return deliveryTimeoutError(p, last, this.#tuning.deliveryTimeoutMs)
  }

  /** Nothing of the producer in flight or waiting: no dispatch, no parked topic, no busy lane. */
  #idle(): boolean {
    if (this.#dispatching || this.#parking.topics().length > 0) return false
    for (const lane of this.#lanes.values()) if (lane.busy) return false
    return true
  }

  #pump(): void {
    this.#schedule.clear()
    if (this.#closed || this.#dispatching || this.#queue.count === 0) return
    this.#dispatching = this.#dispatch().finally(() => {
      this.#dispatching = undefined
      if (this.#queue.count > 0 && !this.#closed) this.#schedule.queued(this.#queue, this.#flushing > 0)
    })
  }

  /**
   * Give queued batches their partitions and hand them to the lanes, one batch at a time (order kept). A batch
   * for a topic that waits to appear joins the messages waiting for it ({@link TopicParking}).
   */
  async #dispatch(): Promise<void> {
    while (this.#queue.count > 0 && !this.#closed) {
      const batch = this.#queue.take(this.#tuning.batchNumMessages, this.#tuning.batchSize)
      const topic = batch[0]!.topic
      if (this.#parking.has(topic)) {
        this.#parking.park(topic, batch, undefined)
        continue
      }
      const partitions = await this.#partitionsFor(batch)
      if (partitions !== undefined) this.#assign(batch, partitions)
    }
  }

  /** Queue each message of one topic on its partition's lane, in order (lanes looked up per change of partition). */
  #assign(batch: Pending[], partitions: PartitionMetadata[]): void {
    const sticky = this.#batchNumber++
    const keyless = choosePartition(NO_KEY, partitions, sticky) // where every keyless message of the batch goes
    const kicked = new Set<PartitionLane | PipelinedLane>()
    let lane: PartitionLane | PipelinedLane | undefined
    let lanePartition = -1
    for (const p of batch) {
      if (p.settled) continue
      p.partition ??= p.key === null ? keyless : choosePartition(p, partitions, sticky)
      const partition = p.partition
      if (lane === undefined || partition !== lanePartition) {
        if (!partitions.some((m) => m.partitionId === partition)) {
          this.#ledger.fail(p, unknownPartition(p.topic, partition, partitions.length))
          continue
        }
        lane = this.#lane(p.topic, partition)
        lanePartition = partition
        kicked.add(lane)
      }
      lane.push(p)
    }
    for (const l of kicked) l.run()
  }

  /** The lane of a topic-partition, made when there is none. */
  #lane(topic: string, partition: number): PartitionLane | PipelinedLane {
    const id = `${topic}\u0000${partition}`
    let lane = this.#lanes.get(id)
    if (!lane) {
      const context: LaneContext = {
        conn: this.#conn,
        ledger: this.#ledger,
        tuning: this.#tuning,
        compression: this.#compression,
        closed: () => this.#closed,
        timeoutError: (m, last) => this.timeoutError(m, last),
        onError: this.#noteError,
        onIdle: (l: PartitionLane | PipelinedLane) => {
          if (this.#lanes.get(id) === l) this.#lanes.delete(id)
          this.#schedule.idled()
        },
      }
      // Idempotent: up to 5 requests in flight per partition on our own send path; else one, via kafkajs.
      const session = this.#conn.session
      lane =
        session === undefined
          ? new PartitionLane(topic, partition, context)
          : new PipelinedLane(topic, partition, context, session)
      this.#lanes.set(id, lane)
    }
    return lane
  }

  /**
   * The topic's partitions, retried while transient; `undefined` when the batch was failed, or parked for a
   * missing topic (librdkafka waits for it until the delivery timeout; so do we, without holding up others).
   */
  async #partitionsFor(batch: Pending[]): Promise<PartitionMetadata[] | undefined> {
    const topic = batch[0]!.topic
    let last: KafkaError | undefined
    for (let attempt = 0; ; attempt++) {
      const now = Date.now()
      for (const p of batch) if (p.deadline <= now) this.#ledger.fail(p, this.timeoutError(p, last))
      const live = batch.filter((p) => !p.settled)
      if (live.length === 0) return undefined
      const since = Date.now()
      let asked = false // a refused start-up check (checkForTopics) fails at once, as in the reference
      try {
        await this.#ready()
        asked = true
        return await this.#conn.metadata.partitions(topic, attempt > 0)
      } catch (err) {
        const error = this.#conn.mapError(err, since, topic)
        last = error
        this.#lastError = error
        if (asked && !this.#closed && isMissingTopic(error, err)) {
          this.#parking.park(topic, live, error)
          return undefined
        }
        const transient = isTransient(error, err) && !(error instanceof KafkaTopicError)
        if (!this.#conn.everConnected || this.#closed || !transient) {
          await this.#fail(live, error)
          return undefined
        }
        const first = Math.min(...live.map((p) => p.deadline))
        await sleep(Math.max(0, Math.min(200 * 2 ** attempt, 2_000, first - Date.now())))
      }
    }
  }

  /** Fail messages for good with `error`; a refused token is recorded for the next produce()/flush(). */
  async #fail(live: Pending[], error: KafkaError): Promise<void> {
    if (error instanceof KafkaAuthenticationError) {
      this.#ledger.recordAuthError(error, live)
      await this.#conn.reset()
    }
    for (const p of live) this.#ledger.fail(p, error)
    // A producer that never reached the broker fails everything queued for that same connection.
    if (!this.#conn.everConnected) for (const p of this.#queue.drain()) this.#ledger.fail(p, error)
  }

  /** Fail what outlived its delivery timeout, wherever it waits; re-armed while anything is pending. */
  #armSweep(): void {
    if (this.#sweepTimer !== undefined || this.#closed) return
    this.#sweepTimer = setTimeout(() => {
      this.#sweepTimer = undefined
      const now = Date.now()
      for (const lane of this.#lanes.values()) lane.expire(now)
      this.#parking.expire(now)
      if (this.#ledger.pending > 0) this.#armSweep()
    }, 100)
  }
}
