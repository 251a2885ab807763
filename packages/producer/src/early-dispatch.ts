import type { PartitionMetadata } from 'kafkajs'
import type { BatchQueue } from './batch-queue.js'
import type { Pending } from './delivery-ledger.js'

/** What {@link EarlyDispatch} asks of the producer, all answered at once (no I/O). */
export interface EarlyDispatchContext {
  readonly batchNumMessages: number
  readonly batchSize: number
  /** Connected, and the start-up topic check passed: the sender's `ready()` would resolve at once. */
  ready(): boolean
  /** The topic's partitions as fetched less than a minute ago (`undefined`: to be fetched). */
  cachedPartitions(topic: string): PartitionMetadata[] | undefined
  /** Whether the topic's messages wait for it to appear (they keep their order behind those). */
  parked(topic: string): boolean
}

/**
 * Whether the next full batch of the send queue can go to its partitions' lanes synchronously, inside
 * `produce()`, instead of on a later turn of the event loop. It can when nothing asynchronous would happen on
 * the way: the producer is connected, the topic's partitions are cached and the topic is not parked. The batch
 * and its partitions are then the ones the asynchronous dispatch would have used, a little earlier; a lane that
 * gets a full batch starts compressing it at once (`CompressAhead`), on another core, while the caller goes on
 * producing. Only for compressed, pipelined sends: without compression nothing can start before the caller
 * yields.
 *
 * @example
 * ```ts
 * const early = new EarlyDispatch(context)
 * const partitions = early.next(queue) // then: assign(queue.take(…), partitions)
 * ```
 */
export class EarlyDispatch {
  readonly #ctx: EarlyDispatchContext

  constructor(ctx: EarlyDispatchContext) {
    this.#ctx = ctx
  }

  /** The partitions for the batch `queue.take(…)` returns next, when it is full and can go now; else undefined. */
  next(queue: BatchQueue<Pending>): PartitionMetadata[] | undefined {
    const ctx = this.#ctx
    const topic = queue.nextTopic()
    if (topic === undefined || !queue.hasFullBatch(topic, ctx.batchNumMessages, ctx.batchSize))
      return undefined
    if (!ctx.ready() || ctx.parked(topic)) return undefined
    return ctx.cachedPartitions(topic)
  }
}
