import {
  KafkaAuthenticationError,
  KafkaConnectionError,
  KafkaConsumerError,
  KafkaError,
  KafkaMessageDeliveryError,
  KafkaProducerError,
  KafkaTopicError,
} from './errors.js'

/** Which client an error came from; decides the fallback class. */
export type ErrorRole = 'producer' | 'consumer' | 'delivery'

/** Context attached while mapping. */
export interface MapErrorContext {
  role: ErrorRole
  /** What was being done, e.g. `"produce to gracedb-dev.test"`. */
  action?: string
  topic?: string
  partition?: number
}

interface KafkaJsLike {
  name?: string
  type?: string
  message?: string
  cause?: unknown
  originalError?: unknown
}

const CONNECTION_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSBrokerNotFound',
  'KafkaJSRequestTimeoutError',
])
const AUTH_TYPES = new Set([
  'SASL_AUTHENTICATION_FAILED',
  'ILLEGAL_SASL_STATE',
  'UNSUPPORTED_SASL_MECHANISM',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
])
/** Broker error types (and kafkajs error names) meaning "this topic does not exist here". */
const MISSING_TOPIC_TYPES = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'INVALID_TOPIC_EXCEPTION'])
const MISSING_TOPIC_NAMES = new Set(['KafkaJSTopicMetadataNotLoaded'])

/** Walk an error and its `cause` / `originalError` chain (bounded). */
export function errorChain(err: unknown): KafkaJsLike[] {
  const out: KafkaJsLike[] = []
  let cur: unknown = err
  for (let i = 0; i < 8 && cur !== null && typeof cur === 'object'; i++) {
    out.push(cur as KafkaJsLike)
    const next = (cur as KafkaJsLike).cause ?? (cur as KafkaJsLike).originalError
    if (next === cur) break
    cur = next
  }
  return out
}

/**
 * A topic problem: {@link KafkaTopicError} for the producer (as the reference), {@link KafkaConsumerError} with
 * the same code for the consumer (the reference's consumer raises only `KafkaConsumerError`).
 */
function topicError(
  message: string,
  role: ErrorRole,
  options: { cause: unknown; code: string; topic?: string; partition?: number },
): KafkaError {
  if (role === 'consumer')
    return new KafkaConsumerError(message, { cause: options.cause, code: options.code })
  return new KafkaTopicError(message, options)
}

/**
 * Map any error thrown by kafkajs (or by our own code) to the gracedb-kafka error tree. This is the one place
 * where that mapping happens; the producer and consumer both call it. Already-mapped errors pass through.
 *
 * @example
 * ```ts
 * try { await producer.send(record) } catch (err) { throw toKafkaError(err, { role: 'producer', topic }) }
 * ```
 */
export function toKafkaError(err: unknown, ctx: MapErrorContext): KafkaError {
  if (err instanceof KafkaError) return err
  const chain = errorChain(err)
  const detail = chain
    .map((e) => e.message)
    .filter((m): m is string => typeof m === 'string' && m.length > 0)
    .filter((m, i, all) => all.indexOf(m) === i)
    .slice(0, 3)
    .join(': ')
  const what = ctx.action ? `${ctx.action} failed` : 'Kafka operation failed'
  const message = detail ? `${what}: ${detail}` : what
  const options = { cause: err }

  const target = {
    ...(ctx.topic === undefined ? {} : { topic: ctx.topic }),
    ...(ctx.partition === undefined ? {} : { partition: ctx.partition }),
  }
  const isAuth = chain.some(
    (e) =>
      e.name === 'KafkaJSSASLAuthenticationError' ||
      (e.type !== undefined && AUTH_TYPES.has(e.type)) ||
      /SASL|authenticat/i.test(e.message ?? ''),
  )
  const topicDenied = chain.some((e) => e.type === 'TOPIC_AUTHORIZATION_FAILED')
  if (isAuth && !topicDenied) {
    const authz = chain.some((e) => e.type?.endsWith('_AUTHORIZATION_FAILED'))
    return new KafkaAuthenticationError(message, {
      ...options,
      code: authz ? 'ERR_KAFKA_AUTHORIZATION' : 'ERR_KAFKA_AUTHENTICATION',
    })
  }
  if (topicDenied) {
    return topicError(
      `${message} (the token is not authorised for this topic; check the instance name, the pipeline and the token's scope)`,
      ctx.role,
      { ...options, ...target, code: 'ERR_KAFKA_TOPIC_AUTHORIZATION' },
    )
  }
  if (chain.some((e) => e.type === 'MESSAGE_TOO_LARGE' || e.type === 'RECORD_LIST_TOO_LARGE')) {
    return new KafkaMessageDeliveryError(`${message} (the message is larger than the broker accepts)`, {
      ...options,
      code: 'ERR_KAFKA_MESSAGE_TOO_LARGE',
      ...target,
    })
  }
  const isConnection =
    chain.some((e) => e.name !== undefined && CONNECTION_NAMES.has(e.name)) ||
    chain.some((e) =>
      /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|Connection timeout|ECONNRESET/i.test(e.message ?? ''),
    )
  const isTls = chain.some((e) =>
    /certificate|self[- ]signed|altnames|hostname\/IP does not match|SSL|TLS/i.test(e.message ?? ''),
  )
  if (isTls) return new KafkaConnectionError(message, { ...options, code: 'ERR_KAFKA_TLS' })
  if (isConnection) return new KafkaConnectionError(message, options)
  const missingTopic = chain.some(
    (e) =>
      (e.type !== undefined && MISSING_TOPIC_TYPES.has(e.type)) ||
      (e.name !== undefined && MISSING_TOPIC_NAMES.has(e.name)),
  )
  if (missingTopic) {
    return topicError(
      `${message} (the topic does not exist on the broker; check the instance name and the pipeline)`,
      ctx.role,
      { ...options, ...target, code: 'ERR_KAFKA_TOPIC' },
    )
  }
  if (ctx.role === 'delivery') return new KafkaMessageDeliveryError(message, { ...options, ...target })
  if (ctx.role === 'consumer') return new KafkaConsumerError(message, options)
  return new KafkaProducerError(message, options)
}
