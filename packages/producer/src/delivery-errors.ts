import { KafkaMessageDeliveryError, KafkaProducerError } from '@gracedb-kafka/core'

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
 * An error for a message whose send was abandoned because the producer closed.
 *
 * @example
 * ```ts
 * sender.close(closedError)
 * ```
 */
export function closedError(): KafkaProducerError {
  return new KafkaProducerError('The producer was closed before the message was delivered', {
    code: 'ERR_KAFKA_PRODUCER_CLOSED',
  })
}
