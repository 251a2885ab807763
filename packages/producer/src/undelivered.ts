import {
  KafkaConnectionError,
  type KafkaError,
  KafkaMessageDeliveryError,
  KafkaTopicError,
  withTimeout,
} from '@gracedb-kafka/core'
import type { DeliveryLedger } from './delivery-ledger.js'
import type { Sender } from './sender.js'
import { topicProblem } from './topic-checks.js'

/** What {@link undeliveredError} needs to explain a stalled strict flush. */
export interface StallContext {
  remaining: number
  /** The flush timeout as given, in seconds. */
  timeout: number
  brokers: string
  /** The last error a send met, if any. */
  lastError: KafkaError | undefined
  /** Topics with messages still pending. */
  topics: string[]
  /** The broker's error for one topic (`undefined` when it is fine); bounded by the caller. */
  topicError: (topic: string) => Promise<unknown>
}

/** Seconds at most spent asking the broker about the pending topics (the reference's `_DIAGNOSE_TIMEOUT`). */
const DIAGNOSE_TIMEOUT_MS = 5_000

/**
 * The error a strict `flush()` throws when messages are still pending at its deadline (ligo-gracedb's
 * `_undelivered_error`): {@link KafkaConnectionError} when the last error was a connection problem;
 * {@link KafkaTopicError} when the broker says a pending topic is missing or not authorised (asked once per
 * topic, within 5 s in all); else {@link KafkaMessageDeliveryError} with the last error or a hint.
 *
 * @example
 * ```ts
 * throw await undeliveredError({ remaining: 3, timeout: 10, brokers, lastError, topics, topicError })
 * ```
 */
export async function undeliveredError(ctx: StallContext): Promise<KafkaError> {
  const base =
    `Delivery timed out after ${ctx.timeout}s with ${ctx.remaining} message(s) still queued for Kafka ` +
    `broker ${ctx.brokers}`
  const last = ctx.lastError
  if (last instanceof KafkaConnectionError) {
    const hint =
      'Check bootstrapServers, network access to the broker, and that useSsl matches the broker listener.'
    return new KafkaConnectionError(`${base}. Last error: ${last.message}. ${hint}`, { cause: last })
  }
  if (last instanceof KafkaTopicError) {
    return new KafkaTopicError(`${base}: ${last.message}`, {
      code: last.code,
      ...(last.topic === undefined ? {} : { topic: last.topic }),
      cause: last,
    })
  }
  const deadline = Date.now() + DIAGNOSE_TIMEOUT_MS
  for (const topic of ctx.topics) {
    const left = deadline - Date.now()
    if (left <= 0) break
    const err = await withTimeout(
      ctx.topicError(topic).catch(() => undefined),
      left,
      () => undefined,
    )
    if (err !== undefined) {
      const problem = topicProblem(topic, err, ctx.brokers)
      return new KafkaTopicError(`${base}: ${problem.message}`, { code: problem.code, topic, cause: err })
    }
  }
  if (last === undefined) {
    return new KafkaMessageDeliveryError(
      `${base}. The Kafka client reported no error; the broker may be slow, or the flush timeout too short.`,
      { code: 'ERR_KAFKA_MESSAGE_TIMED_OUT' },
    )
  }
  return new KafkaMessageDeliveryError(`${base}. Last error: ${last.message}`, {
    code: 'ERR_KAFKA_MESSAGE_TIMED_OUT',
    cause: last,
  })
}

/**
 * What `flush()` returns or throws once its wait is over. Every failure so far is reported now: the first one
 * the caller never saw is thrown; with `strict`, also any failure since the last flush, or
 * {@link undeliveredError} when messages are still pending.
 *
 * @example
 * ```ts
 * return flushOutcome(ledger, sender, { strict: true, timeout: 10, brokers, topicError })
 * ```
 */
export async function flushOutcome(
  ledger: DeliveryLedger,
  sender: Sender,
  opts: { strict: boolean; timeout: number; brokers: string; topicError: StallContext['topicError'] },
): Promise<number> {
  const unseen = ledger.takeUnseenFailure()
  const last = ledger.takeLastFailure()
  const lastError = sender.takeLastError()
  if (unseen) throw unseen
  const remaining = ledger.pending
  if (!opts.strict) return remaining
  if (last) throw last
  if (remaining === 0) return 0
  throw await undeliveredError({
    remaining,
    timeout: opts.timeout,
    brokers: opts.brokers,
    lastError,
    topics: sender.pendingTopics(),
    topicError: opts.topicError,
  })
}
