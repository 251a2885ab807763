import type { CompressionCodec } from '@gracedb-kafka/core'
import type { CompressionTypes, Kafka } from 'kafkajs'
import { ClusterSlots } from './cluster-slots.js'
import {
  connectionReady,
  createInternalCluster,
  encodeProduce,
  type InternalBroker,
  type InternalCluster,
  type ProduceResponse,
} from './kafkajs-cluster.js'
import type { RecordLike } from './record-batch.js'
import type { SequenceCounter } from './sequenced-batches.js'
import { isDuplicateSequence } from './transient.js'

/** One produce request of one partition's batch, as the pipelined lane sends it. */
export interface BatchRequest {
  topic: string
  partition: number
  firstSequence: number
  messages: readonly RecordLike[]
  compression: CompressionTypes
  /** The codec at `compression.level`, when one was given. */
  codec?: CompressionCodec | undefined
}

/** What the broker answered for the batch's partition (both -1: written before, its offset no longer known). */
export interface BatchPlacement {
  baseOffset: number
  logAppendTime: number
}

const TRANSACTION_TIMEOUT_MS = 60_000
const PRODUCE_TIMEOUT_MS = 30_000

/**
 * The idempotent producer's identity for the pipelined send path: its producer id and epoch (obtained with
 * InitProducerId on a kafkajs cluster of our own), a generation counter bumped on every renewal, and the count of
 * produce requests in flight. A renewal asked for with {@link IdempotentSession.requestRenewal} happens in
 * {@link IdempotentSession.ready} once nothing is in flight; lanes then restart their sequence numbers at 0.
 *
 * @example
 * ```ts
 * const session = new IdempotentSession(kafka)
 * await session.ready()
 * const id = session.begin()
 * try { await session.produce(broker, id, request) } finally { session.end() }
 * ```
 */
export class IdempotentSession {
  /** The kafkajs clusters of the connection slots; slot 0 also obtains the producer id. */
  readonly #slots: ClusterSlots
  #id: { producerId: number; producerEpoch: number } | undefined
  #generation = 0
  #inFlight = 0
  #renewDue = false
  #preparing: Promise<void> | undefined
  #counters = new Map<string, SequenceCounter>()
  readonly #quiet = new Set<() => void>()
  /** Lanes whose unacknowledged batch precedes an acknowledged one: it was written, and must be answered
   * (as a duplicate, with its offset) under this producer id before a renewal renumbers it. */
  readonly #holds = new Map<object, () => boolean>()

  /** `createCluster` is for tests that need to reach the cluster (the default: a new kafkajs cluster of `kafka`). */
  constructor(kafka: Kafka, createCluster: (kafka: Kafka) => InternalCluster = createInternalCluster) {
    this.#slots = new ClusterSlots(kafka, createCluster)
  }

  /** Bumped each time a new producer id is obtained. */
  get generation(): number {
    return this.#generation
  }

  /** Whether a renewal waits for the requests in flight to end (lanes send nothing new meanwhile). */
  get renewDue(): boolean {
    return this.#renewDue
  }

  /** Ask for a new producer id (ignored when the id was renewed since `generation`). */
  requestRenewal(generation: number): void {
    if (generation === this.#generation && this.#id !== undefined) this.#renewDue = true
  }

  /** Connect, and obtain a producer id (a new one when a renewal is due, once nothing is in flight). */
  async ready(): Promise<void> {
    while (this.#id === undefined || this.#renewDue || !this.#slots.isConnected(0)) {
      this.#preparing ??= this.#prepare().finally(() => {
        this.#preparing = undefined
      })
      await this.#preparing
    }
  }

  /** The sequence counter of a partition under the current producer id (one object per partition and id). */
  counter(topic: string, partition: number): SequenceCounter {
    const key = `${topic}\u0000${partition}`
    let counter = this.#counters.get(key)
    if (counter === undefined) {
      counter = { generation: this.#generation, next: 0 }
      this.#counters.set(key, counter)
    }
    return counter
  }

  /** Hold renewals while `held()` is true (checked again whenever a request ends, and every 100 ms). */
  hold(lane: object, held: () => boolean): void {
    this.#holds.set(lane, held)
  }

  /** Connect without renewing the producer id (for a lane that holds a renewal, see {@link hold}). */
  async connect(): Promise<void> {
    await this.#slots.connected(0)
  }

  /** Start a request under the current producer id; pair with {@link IdempotentSession.end}. */
  begin(): { producerId: number; producerEpoch: number; generation: number } {
    const id = this.#id
    if (id === undefined) throw new Error('IdempotentSession.begin() before ready()')
    this.#inFlight++
    return { ...id, generation: this.#generation }
  }

  /** End a request started with {@link IdempotentSession.begin}. */
  end(): void {
    this.#inFlight--
    if (this.#inFlight === 0) for (const wake of this.#quiet) wake()
  }

  /** The leader broker of a partition (metadata refreshed first with `refresh`), on the partition's slot. */
  async leader(topic: string, partition: number, refresh: boolean): Promise<InternalBroker> {
    const slot = ClusterSlots.slotOf(partition)
    const cluster = await this.#slots.connected(slot)
    return this.#slots.guard(slot, cluster, async () => {
      await cluster.addTargetTopic(topic)
      if (refresh) await cluster.refreshMetadata()
      const leaders = cluster.findLeaderForPartitions(topic, [partition])
      const nodeId = Object.keys(leaders)[0]
      if (nodeId === undefined) {
        throw Object.assign(new Error(`No leader known for ${topic} [partition ${partition}]`), {
          name: 'KafkaJSMetadataNotLoaded',
          retriable: true,
        })
      }
      return this.#slots.adopt(await cluster.findBroker({ nodeId }), cluster)
    })
  }

  /** Whether a request to `broker` may be sent while another is in flight (its connection is ready). */
  pipelinable(broker: InternalBroker): boolean {
    return connectionReady(broker)
  }

  /**
   * Encode one batch for `broker` (acks=all) and return the call that sends it: it resolves with the offset the
   * broker gave the partition, or throws (kafkajs's protocol error for a partition error code; a retriable error
   * when the answer lacks the partition). Encode a partition's batches one after the other, in sequence order.
   */
  async encode(
    broker: InternalBroker,
    id: { producerId: number; producerEpoch: number },
    req: BatchRequest,
  ): Promise<() => Promise<BatchPlacement>> {
    const send = await encodeProduce(broker, {
      producerId: id.producerId,
      producerEpoch: id.producerEpoch,
      acks: -1,
      timeout: PRODUCE_TIMEOUT_MS,
      compression: req.compression,
      codec: req.codec,
      topicData: [
        {
          topic: req.topic,
          partitions: [
            { partition: req.partition, firstSequence: req.firstSequence, messages: req.messages },
          ],
        },
      ],
    })
    return () => this.#sent(send(), req, broker)
  }

  async #sent(
    sending: Promise<ProduceResponse>,
    req: BatchRequest,
    broker: InternalBroker,
  ): Promise<BatchPlacement> {
    let response: ProduceResponse
    try {
      response = await sending
    } catch (err) {
      // Written before, its offset no longer cached by the broker: delivered, without an offset.
      if (isDuplicateSequence(err)) return { baseOffset: -1, logAppendTime: -1 }
      const e = err as { name?: string; host?: string; port?: number }
      if (e.name === 'KafkaJSConnectionClosedError' && e.host !== undefined && e.port !== undefined) {
        this.#slots.removeBroker(broker, { host: e.host, port: e.port })
      }
      throw err
    }
    const entry = response.topics
      .find((t) => t.topicName === req.topic)
      ?.partitions.find((p) => p.partition === req.partition)
    const base = entry === undefined ? -1 : Number(entry.baseOffset)
    if (entry === undefined || entry.errorCode !== 0 || !(base >= 0)) {
      throw Object.assign(
        new Error(
          `The broker's answer did not include ${req.topic} [partition ${req.partition}]: sending again`,
        ),
        { name: 'GraceDbKafkaPartitionMissing', retriable: true },
      )
    }
    return { baseOffset: base, logAppendTime: Number(entry.logAppendTime) }
  }

  /** Drop every connection (after an authentication failure); the producer id is kept. */
  async reset(): Promise<void> {
    await this.#slots.disconnect()
  }

  /** Disconnect. */
  async close(): Promise<void> {
    await this.#slots.close()
  }

  #held(): boolean {
    for (const [lane, held] of this.#holds) if (!held()) this.#holds.delete(lane)
    return this.#holds.size > 0
  }

  async #prepare(): Promise<void> {
    const cluster = await this.#slots.connected(0)
    if (this.#id !== undefined && !this.#renewDue) return
    while (this.#inFlight > 0 || this.#held()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100)
        this.#quiet.add(() => {
          clearTimeout(timer)
          resolve()
        })
      })
      this.#quiet.clear()
    }
    const result = await this.#slots.guard(0, cluster, async () => {
      const broker = await cluster.findControllerBroker()
      return broker.initProducerId({ transactionTimeout: TRANSACTION_TIMEOUT_MS })
    })
    this.#id = { producerId: result.producerId, producerEpoch: result.producerEpoch }
    this.#renewDue = false
    this.#generation++
    this.#counters = new Map() // a new producer id: every partition's sequence starts at 0
  }
}

/** What a lane uses of the {@link IdempotentSession} (an interface, so the lane's rules can be tested alone). */
export type LaneSession = Pick<
  IdempotentSession,
  | 'generation'
  | 'renewDue'
  | 'requestRenewal'
  | 'ready'
  | 'begin'
  | 'end'
  | 'counter'
  | 'leader'
  | 'pipelinable'
  | 'encode'
  | 'reset'
  | 'hold'
  | 'connect'
>
