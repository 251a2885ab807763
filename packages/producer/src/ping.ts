import { KafkaMessageDeliveryError, secondsToMs, withTimeout } from '@gracedb-kafka/core'

/** The connectivity-test message `ping()` sends (ligo-gracedb's ping schema: `type`, `timestamp`, `client` required). */
export interface PingMessage {
  [field: string]: unknown
  type: 'ping'
  /** Seconds since the epoch, a float, as Python's `time.time()`. */
  timestamp: number
  /** The producing client library. */
  client: string
  /** The `sub` claim of the SciToken used to authenticate, or `null`. */
  sub: string | null
  /** The `scope` claim of that SciToken, or `null`. */
  scope: string | null
}

/** The `client` field of ping messages sent by this library. */
export const PING_CLIENT: string = 'gracedb-kafka'

/**
 * Build the payload of `ping()`: the same fields, in the same order, as ligo-gracedb's ping. An empty claim
 * is sent as `null`, as Python sends a missing claim.
 *
 * @example
 * ```ts
 * buildPingMessage({ principal: 'albert.einstein', scope: 'kafka.produce' }, 1700000000123)
 * // { type: 'ping', timestamp: 1700000000.123, client: 'gracedb-kafka', sub: 'albert.einstein', scope: 'kafka.produce' }
 * ```
 */
export function buildPingMessage(
  token: { principal: string; scope: string },
  nowMs: number = Date.now(),
): PingMessage {
  return {
    type: 'ping',
    timestamp: nowMs / 1000,
    client: PING_CLIENT,
    sub: token.principal === '' ? null : token.principal,
    scope: token.scope === '' ? null : token.scope,
  }
}

/**
 * Wait for a ping's delivery report at most `timeout` seconds.
 *
 * @throws the delivery's failure, or {@link KafkaMessageDeliveryError} `ERR_KAFKA_MESSAGE_TIMED_OUT`.
 * @example
 * ```ts
 * const report = await confirmWithin(producer.produce(message), 10, 'gracedb-dev.test')
 * ```
 */
export async function confirmWithin<T>(delivery: Promise<T>, timeout: number, topic: string): Promise<T> {
  return withTimeout(delivery, secondsToMs(timeout, 'timeout') ?? Number.POSITIVE_INFINITY, () => {
    const message = `Ping to ${topic} was not confirmed within ${timeout}s`
    throw new KafkaMessageDeliveryError(message, { code: 'ERR_KAFKA_MESSAGE_TIMED_OUT', topic })
  })
}
