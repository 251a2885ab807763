import {
  errorChain,
  KafkaAuthenticationError,
  KafkaConnectionError,
  type KafkaError,
} from '@gracedb-kafka/core'

const TRANSIENT_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'GraceDbKafkaClusterReset', // kafkajs's cluster state broke: a new cluster is made (idempotent-session.ts)
])

/**
 * Whether a failed send is worth sending again: the connection dropped or timed out, or the broker answered
 * with an error Kafka marks retriable (leader moved, not enough replicas yet, topic being created…). Not
 * transient: authentication and authorisation failures, TLS failures, a message too large, anything else the
 * broker refused for good.
 *
 * @param mapped - the error after mapping by `toKafkaError`; `raw` is what kafkajs threw.
 * @example
 * ```ts
 * isTransient(toKafkaError(err, { role: 'delivery' }), err)
 * ```
 */
export function isTransient(mapped: KafkaError, raw: unknown): boolean {
  if (mapped.code === 'ERR_KAFKA_TLS' || mapped.code === 'ERR_KAFKA_MESSAGE_TOO_LARGE') return false
  // ILLEGAL_SASL_STATE: a request crossed kafkajs's own re-authentication on the same connection (forced
  // re-authentication, KIP-368). The broker refused the request without writing it and drops the connection;
  // the next attempt reconnects and authenticates afresh, so it is sent again rather than failed as a token
  // problem. Seen in the fault suite's token soak (R3): 8 of 10,400 messages failed before this.
  if (errorChain(raw).some((e) => (e as { type?: string }).type === 'ILLEGAL_SASL_STATE')) return true
  if (mapped instanceof KafkaAuthenticationError) return false
  if (mapped instanceof KafkaConnectionError) return true
  const chain = errorChain(raw) as Array<{
    name?: string
    retriable?: boolean
    type?: string
    message?: string
  }>
  if (chain.some((e) => e.type === 'OUT_OF_ORDER_SEQUENCE_NUMBER' || e.type === 'INVALID_PRODUCER_EPOCH')) {
    return false
  }
  return chain.some(
    (e) =>
      (e.name !== undefined && TRANSIENT_NAMES.has(e.name)) ||
      (e.name === 'KafkaJSProtocolError' && e.retriable === true) ||
      e.message === 'The producer is disconnected',
  )
}

/** Broker errors meaning it lost or refused the idempotent producer's state: a new producer id is needed. */
const STATE_LOSS_TYPES = new Set([
  'UNKNOWN_PRODUCER_ID',
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
])

/**
 * Whether a failed send means the broker no longer accepts the producer id and its sequence numbers
 * (`UNKNOWN_PRODUCER_ID`, `OUT_OF_ORDER_SEQUENCE_NUMBER`, `INVALID_PRODUCER_EPOCH`): the cure is a new
 * producer id and sending again what was not acknowledged (KIP-360).
 *
 * @example
 * ```ts
 * if (isProducerStateLost(err)) await connection.renewProducerId()
 * ```
 */
export function isProducerStateLost(raw: unknown): boolean {
  return errorChain(raw).some((e) => e.type !== undefined && STATE_LOSS_TYPES.has(e.type))
}

/** Whether `err` (or one of its causes) is the broker's `OUT_OF_ORDER_SEQUENCE_NUMBER`. */
export function isOutOfOrder(err: unknown): boolean {
  for (let e = err as { type?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.type === 'OUT_OF_ORDER_SEQUENCE_NUMBER') return true
  }
  return false
}

/**
 * Whether `err` (or one of its causes) is the broker's `DUPLICATE_SEQUENCE_NUMBER`: the batch was written
 * before, and the broker no longer has its offset to answer with. librdkafka and the Java client count the batch
 * as delivered (without an offset); so do we.
 */
export function isDuplicateSequence(err: unknown): boolean {
  return errorChain(err).some((e) => e.type === 'DUPLICATE_SEQUENCE_NUMBER')
}
