import type { ProducerTuning } from './options.js'

/** What the schedule needs to know of the sender's queue. */
export interface Backlog {
  /** Messages queued. */
  readonly count: number
  /** Their estimated bytes. */
  readonly bytes: number
}

/** The sender's side of the schedule. */
export interface ScheduleTarget {
  /** Send what is queued now (the sender's pump); called once per due time. */
  pump(): void
  /** Whether nothing of the producer is in flight or waiting (no lane busy, no dispatch or parked topic). */
  idle(): boolean
}

/**
 * When queued messages go out: after `linger.ms` (so messages produced close together share a batch), or at
 * once when a batch is full, a flush waits, or `linger.ms` is 0.
 *
 * With the default linger (`linger.ms` not given: {@link ProducerTuning.adaptiveLinger}) a message that finds
 * nothing of the producer in flight or queued goes at once (on the next turn of the event loop, so the messages
 * of one synchronous burst still share a batch), and messages lingering when the producer falls idle go then:
 * at a low rate nothing waits for the linger, while under load (batches in flight) messages queue and batch as
 * with a fixed linger. An explicit `linger.ms` always lingers that long.
 *
 * @example
 * ```ts
 * const schedule = new SendSchedule(tuning, { pump: () => sender.pump(), idle: () => sender.idle() })
 * queue.push(p)
 * schedule.queued(queue, false)
 * ```
 */
export class SendSchedule {
  readonly #tuning: Pick<ProducerTuning, 'lingerMs' | 'adaptiveLinger' | 'batchNumMessages' | 'batchSize'>
  readonly #target: ScheduleTarget
  #timer: NodeJS.Timeout | undefined
  #soon = false

  constructor(
    tuning: Pick<ProducerTuning, 'lingerMs' | 'adaptiveLinger' | 'batchNumMessages' | 'batchSize'>,
    target: ScheduleTarget,
  ) {
    this.#tuning = tuning
    this.#target = target
  }

  /** Whether a send is due on the next turn of the event loop. */
  get soon(): boolean {
    return this.#soon
  }

  /** Whether queued messages linger (a timer is armed). */
  get lingering(): boolean {
    return this.#timer !== undefined
  }

  /** Messages are queued (one was added, or a dispatch ended with some left): arm what sends them. */
  queued(backlog: Backlog, hurry: boolean): void {
    const t = this.#tuning
    if (
      hurry ||
      t.lingerMs === 0 ||
      backlog.count >= t.batchNumMessages ||
      backlog.bytes >= t.batchSize ||
      (t.adaptiveLinger && this.#timer === undefined && this.#target.idle())
    ) {
      this.#sendSoon()
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.#fire(), t.lingerMs)
    }
  }

  /** The producer may have fallen idle: with the adaptive linger, messages lingering go now. */
  idled(): void {
    if (this.#tuning.adaptiveLinger && this.#timer !== undefined && this.#target.idle()) this.#sendSoon()
  }

  /** The pump runs (or the sender closes): forget what was armed. */
  clear(): void {
    this.#soon = false
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #sendSoon(): void {
    if (this.#soon) return
    this.#soon = true
    setImmediate(() => this.#fire())
  }

  #fire(): void {
    this.clear()
    this.#target.pump()
  }
}
