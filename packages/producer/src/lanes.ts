import type { LaneSession } from './idempotent-session.js'
import { type LaneContext, PartitionLane } from './partition-lane.js'
import { PipelinedLane } from './pipelined-lane.js'

/** A partition's sender: pipelined (idempotent) or one request at a time. */
export type Lane = PartitionLane | PipelinedLane

/**
 * The sender's lanes, one per topic-partition with records to send: made on first use, dropped when they fall
 * idle. Idempotent producers get {@link PipelinedLane}s (up to 5 requests in flight per partition on our own
 * send path), others {@link PartitionLane}s (one request at a time, via kafkajs).
 *
 * @example
 * ```ts
 * const lanes = new Lanes(context, connection.session, () => schedule.idled())
 * lanes.get('gracedb-dev.test', 0).push(pending)
 * ```
 */
export class Lanes {
  readonly #lanes = new Map<string, Lane>()
  readonly #context: Omit<LaneContext, 'onIdle'>
  readonly #session: LaneSession | undefined
  readonly #idled: () => void

  /** `idled`: told after a lane fell idle and was dropped. */
  constructor(context: Omit<LaneContext, 'onIdle'>, session: LaneSession | undefined, idled: () => void) {
    this.#context = context
    this.#session = session
    this.#idled = idled
  }

  /** Every lane. */
  values(): IterableIterator<Lane> {
    return this.#lanes.values()
  }

  /** The lane of a topic-partition, made when there is none. */
  get(topic: string, partition: number): Lane {
    const id = `${topic}\u0000${partition}`
    let lane = this.#lanes.get(id)
    if (!lane) {
      const context: LaneContext = {
        ...this.#context,
        onIdle: (l: Lane) => {
          if (this.#lanes.get(id) === l) this.#lanes.delete(id)
          this.#idled()
        },
      }
      const session = this.#session
      lane =
        session === undefined
          ? new PartitionLane(topic, partition, context)
          : new PipelinedLane(topic, partition, context, session)
      this.#lanes.set(id, lane)
    }
    return lane
  }
}
