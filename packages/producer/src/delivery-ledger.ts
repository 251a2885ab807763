import { KafkaAuthenticationError, type KafkaError, redactTokens } from '@gracedb-kafka/core'
import { DeliveryPromise } from './delivery-promise.js'
import { type MessageInit, QueuedMessage } from './queued-message.js'

/** Where a message was written, passed to `onDelivery` and returned by `produce()`'s promise. */
export interface DeliveryReport {
  /** The namespaced Kafka topic, e.g. `"gracedb-dev.gstlal"`. */
  topic: string
  partition: number
  /**
   * The message's offset in its partition, or -1 when the broker confirmed the write without an offset: it
   * answered a batch it had already written with `DUPLICATE_SEQUENCE_NUMBER` after forgetting that batch's
   * offset (as librdkafka and the Java client, the message counts as delivered).
   */
  offset: number
  /** The key as sent, or `null`. */
  key: Uint8Array | null
  /** The message timestamp in ms (its create time, or the broker's append time when the topic uses that). */
  timestamp: number
}

/** The `onDelivery` callback of a message. */
export type DeliveryCallback = (err: KafkaError | null, report: DeliveryReport | null) => void

/**
 * A produced message until its outcome is reported ({@link QueuedMessage}). It is also the record the Produce
 * request encoder reads (`key`, the value's place, `headers`, `timestamp`): one object per queued message, no
 * separate kafkajs `Message`.
 */
export type Pending = QueuedMessage

interface Failure {
  error: KafkaError
  pending: Pending
}

const MAX_REMEMBERED_FAILURES = 1000

/**
 * The producer's delivery accounting: every message is settled exactly once, as delivered (with the offset the
 * broker returned for it) or failed (with the last cause). It counts what is pending, calls `onDelivery`,
 * remembers failures nobody has seen for the next `flush()`, and wakes whoever waits for the producer to be idle.
 *
 * @example
 * ```ts
 * const ledger = new DeliveryLedger()
 * const p = ledger.create({ topic: 't', size: 1, key: null, value: Buffer.from('x'), deadline: Date.now() + 30_000 })
 * ledger.succeed(p, { partition: 0, offset: 7, logAppendTime: -1 })
 * await p.promise // { topic: 't', partition: 0, offset: 7, key: null, timestamp: ... }
 * ```
 */
export class DeliveryLedger {
  #pending = 0
  #failures: Failure[] = []
  #lastFailure: KafkaError | undefined
  #authError: { error: KafkaError; messages: Pending[] } | undefined
  readonly #idleWaiters = new Set<() => void>()

  /** Messages produced and not yet settled. */
  get pending(): number {
    return this.#pending
  }

  /** Register a new message (counted as pending until settled). */
  create(init: MessageInit): Pending {
    this.#pending++
    return new QueuedMessage(init)
  }

  /** Report a message delivered at the partition and offset the broker returned for it. No-op once settled. */
  succeed(p: Pending, placed: { partition: number; offset: number; logAppendTime: number }): void {
    if (p.settled) return
    const report: DeliveryReport = {
      topic: p.topic,
      partition: placed.partition,
      offset: placed.offset,
      key: p.key,
      timestamp: placed.logAppendTime >= 0 ? placed.logAppendTime : p.timestamp,
    }
    this.#settle(p)
    DeliveryPromise.fulfil(p.promise, report)
    this.#callback(p, null, report)
  }

  /** Report a message failed. No-op once settled. */
  fail(p: Pending, error: KafkaError): void {
    if (p.settled) return
    this.#settle(p)
    DeliveryPromise.fail(p.promise, error)
    this.#lastFailure = error
    if (this.#failures.length < MAX_REMEMBERED_FAILURES) this.#failures.push({ error, pending: p })
    this.#callback(p, error, null)
  }

  /** Remember an authentication failure, so the next `produce()`/`flush()` throws it. */
  recordAuthError(error: KafkaError, messages: Pending[]): void {
    this.#authError = { error, messages }
  }

  /** Take the recorded authentication failure, unless the caller already saw it on every message it failed. */
  takeAuthError(): KafkaError | undefined {
    const auth = this.#authError
    this.#authError = undefined
    if (!auth?.messages.some((p) => !p.promise.observed && p.onDelivery === undefined)) return undefined
    // Reported now: flush() must not report the same failure again.
    this.#failures = this.#failures.filter((f) => f.error !== auth.error)
    return auth.error
  }

  /** Throw the recorded authentication failure, if the caller has not seen it (see `takeAuthError`). */
  throwAuthError(): void {
    const error = this.takeAuthError()
    if (error) throw error
  }

  /**
   * Forget every failure so far and return the one `flush()` must throw: the authentication failure, else the
   * first failure the caller never looked at (no awaited promise, no `onDelivery`), authentication first.
   */
  takeUnseenFailure(): KafkaError | undefined {
    const auth = this.takeAuthError()
    const failures = this.#failures
    this.#failures = []
    if (auth) return auth
    const unseen = failures.filter((f) => !f.pending.promise.observed && f.pending.onDelivery === undefined)
    return (unseen.find((f) => f.error instanceof KafkaAuthenticationError) ?? unseen[0])?.error
  }

  /** The most recent failure since the last call, seen by the caller or not (what a strict flush reports). */
  takeLastFailure(): KafkaError | undefined {
    const last = this.#lastFailure
    this.#lastFailure = undefined
    return last
  }

  /** Resolve when nothing is pending, or after `ms` (never, when `undefined`). */
  waitIdle(ms: number | undefined): Promise<void> {
    if (this.#pending === 0) return Promise.resolve()
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const done = (): void => {
        clearTimeout(timer)
        this.#idleWaiters.delete(done)
        resolve()
      }
      this.#idleWaiters.add(done)
      if (ms !== undefined) timer = setTimeout(done, ms)
    })
  }

  #callback(p: Pending, err: KafkaError | null, report: DeliveryReport | null): void {
    if (!p.onDelivery) return
    try {
      p.onDelivery(err, report)
    } catch (cbErr) {
      const text = redactTokens(`onDelivery callback threw: ${(cbErr as Error)?.message ?? String(cbErr)}`)
      process.emitWarning(text, { code: 'GRACEDB_KAFKA_CALLBACK_ERROR' })
    }
  }

  #settle(p: Pending): void {
    p.settled = true
    this.#pending--
    if (this.#pending === 0) {
      for (const wake of this.#idleWaiters) wake()
    }
  }
}
