import {
  ClientClosedError,
  KafkaConnectionError,
  type KafkaError,
  KafkaMessageDeliveryError,
} from '@gracedb-kafka/core'
import type { Pending } from './delivery-ledger.js'

/**
 * librdkafka's `_UNKNOWN_PARTITION`: an explicit partition the topic does not have fails at once.
 *
 * @example
 * ```ts
 * ledger.fail(p, unknownPartition('gracedb-dev.test', 7, 3))
 * ```
 */
export function unknownPartition(topic: string, partition: number, count: number): KafkaMessageDeliveryError {
  return new KafkaMessageDeliveryError(
    `Partition ${partition} does not exist in ${topic}, which has ${count} partition(s)`,
    { code: 'ERR_KAFKA_UNKNOWN_PARTITION', topic, partition },
  )
}

/**
 * An error for a message whose send was abandoned because the producer closed: {@link ClientClosedError}
 * (`ERR_CLIENT_CLOSED`, client `'producer'`).
 *
 * @example
 * ```ts
 * sender.close(closedError)
 * ```
 */
export function closedError(): ClientClosedError {
  return new ClientClosedError('producer', 'The producer was closed before the message was delivered')
}

/**
 * The error a message gets when its delivery timeout runs out in a partition lane; it names the last cause
 * ({@link KafkaConnectionError} when the broker was lost, else `ERR_KAFKA_MESSAGE_TIMED_OUT`).
 *
 * @example
 * ```ts
 * ledger.fail(p, deliveryTimeoutError(p, lastError, 30_000))
 * ```
 */
export function deliveryTimeoutError(
  p: Pending,
  last: KafkaError | undefined,
  timeoutMs: number,
): KafkaError {
  const partition = p.partition
  const where = `${p.topic}${partition === undefined ? '' : ` [partition ${partition}]`}`
  const message =
    `Message to ${where} was not acknowledged within ${timeoutMs / 1000}s ` +
    `(delivery.timeout.ms)${last ? `; last error: ${last.message}` : ''}. It may still have been written.`
  if (last instanceof KafkaConnectionError) return new KafkaConnectionError(message, { cause: last })
  return new KafkaMessageDeliveryError(message, {
    code: 'ERR_KAFKA_MESSAGE_TIMED_OUT',
    topic: p.topic,
    partition,
    ...(last ? { cause: last } : {}),
  })
}
