import { describe, expect, it } from 'vitest'
import {
  type ErrorRole,
  KafkaAuthenticationError,
  KafkaConnectionError,
  KafkaConsumerError,
  type KafkaError,
  KafkaMessageDeliveryError,
  KafkaProducerError,
  KafkaTokenError,
  KafkaTopicError,
  toKafkaError,
} from './index.js'

// Errors shaped exactly as kafkajs 2.2.4 builds them (src/errors.js, src/protocol/error.js). Declared here
// because this package has no kafkajs dependency.
function kafkajsError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, retriable: false, ...extra })
}
const protocol = (type: string, code: number, message: string): Error =>
  kafkajsError('KafkaJSProtocolError', message, { type, code })
const retriesExceeded = (cause: Error): Error =>
  kafkajsError('KafkaJSNumberOfRetriesExceeded', cause.message, { cause, retryCount: 5 })

type Row = [
  label: string,
  err: unknown,
  role: ErrorRole,
  cls: new (...a: never[]) => KafkaError,
  code: string,
]
const rows: Row[] = [
  [
    'SASL authentication failed',
    kafkajsError(
      'KafkaJSSASLAuthenticationError',
      'SASL OAUTHBEARER authentication failed: broker b:9092 refused the token (invalid_token)',
    ),
    'producer',
    KafkaAuthenticationError,
    'ERR_KAFKA_AUTHENTICATION',
  ],
  [
    'SASL_AUTHENTICATION_FAILED protocol error',
    protocol('SASL_AUTHENTICATION_FAILED', 58, 'SASL Authentication failed'),
    'consumer',
    KafkaAuthenticationError,
    'ERR_KAFKA_AUTHENTICATION',
  ],
  [
    'ILLEGAL_SASL_STATE after retries',
    retriesExceeded(protocol('ILLEGAL_SASL_STATE', 34, 'Request is not valid given the current SASL state')),
    'producer',
    KafkaAuthenticationError,
    'ERR_KAFKA_AUTHENTICATION',
  ],
  [
    'TOPIC_AUTHORIZATION_FAILED',
    protocol(
      'TOPIC_AUTHORIZATION_FAILED',
      29,
      'Not authorized to access topics: [Topic authorization failed]',
    ),
    'delivery',
    KafkaTopicError,
    'ERR_KAFKA_TOPIC_AUTHORIZATION',
  ],
  [
    'TOPIC_AUTHORIZATION_FAILED while consuming',
    protocol(
      'TOPIC_AUTHORIZATION_FAILED',
      29,
      'Not authorized to access topics: [Topic authorization failed]',
    ),
    'consumer',
    KafkaConsumerError,
    'ERR_KAFKA_TOPIC_AUTHORIZATION',
  ],
  [
    'GROUP_AUTHORIZATION_FAILED stays an authorization error',
    protocol('GROUP_AUTHORIZATION_FAILED', 30, 'Not authorized to access group: Group authorization failed'),
    'consumer',
    KafkaAuthenticationError,
    'ERR_KAFKA_AUTHORIZATION',
  ],
  [
    'UNKNOWN_TOPIC_OR_PARTITION after retries (auto-creation off)',
    retriesExceeded(
      Object.assign(
        protocol('UNKNOWN_TOPIC_OR_PARTITION', 3, 'This server does not host this topic-partition'),
        { retriable: true },
      ),
    ),
    'producer',
    KafkaTopicError,
    'ERR_KAFKA_TOPIC',
  ],
  [
    'KafkaJSTopicMetadataNotLoaded',
    kafkajsError('KafkaJSTopicMetadataNotLoaded', 'Topic metadata not loaded', { topic: 'gracedb-dev.nope' }),
    'delivery',
    KafkaTopicError,
    'ERR_KAFKA_TOPIC',
  ],
  [
    'INVALID_TOPIC_EXCEPTION',
    protocol(
      'INVALID_TOPIC_EXCEPTION',
      17,
      'The request attempted to perform an operation on an invalid topic',
    ),
    'delivery',
    KafkaTopicError,
    'ERR_KAFKA_TOPIC',
  ],
  [
    'UNKNOWN_TOPIC_OR_PARTITION while consuming',
    protocol('UNKNOWN_TOPIC_OR_PARTITION', 3, 'This server does not host this topic-partition'),
    'consumer',
    KafkaConsumerError,
    'ERR_KAFKA_TOPIC',
  ],
  [
    'MESSAGE_TOO_LARGE',
    protocol('MESSAGE_TOO_LARGE', 10, 'The request included a message larger than the max message size'),
    'delivery',
    KafkaMessageDeliveryError,
    'ERR_KAFKA_MESSAGE_TOO_LARGE',
  ],
  [
    'connection refused',
    kafkajsError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:9', {
      broker: '127.0.0.1:9',
    }),
    'producer',
    KafkaConnectionError,
    'ERR_KAFKA_CONNECTION',
  ],
  [
    'connection refused wrapped in retries exceeded',
    retriesExceeded(
      kafkajsError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:9'),
    ),
    'consumer',
    KafkaConnectionError,
    'ERR_KAFKA_CONNECTION',
  ],
  [
    'plain Node ECONNREFUSED',
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
    'consumer',
    KafkaConnectionError,
    'ERR_KAFKA_CONNECTION',
  ],
  [
    'TLS certificate error',
    kafkajsError('KafkaJSConnectionError', 'Connection error: self-signed certificate in certificate chain'),
    'producer',
    KafkaConnectionError,
    'ERR_KAFKA_TLS',
  ],
  [
    'TLS hostname mismatch',
    new Error("Hostname/IP does not match certificate's altnames: Host: x. is not in the cert's altnames"),
    'consumer',
    KafkaConnectionError,
    'ERR_KAFKA_TLS',
  ],
  ['producer fallback', new Error('something odd'), 'producer', KafkaProducerError, 'ERR_KAFKA_PRODUCER'],
  ['consumer fallback', new Error('something odd'), 'consumer', KafkaConsumerError, 'ERR_KAFKA_CONSUMER'],
  [
    'delivery fallback',
    protocol('NOT_LEADER_FOR_PARTITION', 6, 'This server is not the leader for that topic-partition'),
    'delivery',
    KafkaMessageDeliveryError,
    'ERR_KAFKA_MESSAGE_DELIVERY',
  ],
  ['non-error value', 'a string was thrown', 'producer', KafkaProducerError, 'ERR_KAFKA_PRODUCER'],
]

describe('toKafkaError', () => {
  it.each(rows)('%s', (_label, err, role, cls, code) => {
    const mapped = toKafkaError(err, { role, action: 'Doing it', topic: 'gracedb-dev.test', partition: 2 })
    expect(mapped).toBeInstanceOf(cls)
    expect(mapped.constructor).toBe(cls)
    expect(mapped.code).toBe(code)
    expect(mapped.cause).toBe(err)
    expect(mapped.message).toMatch(/^Doing it failed/)
    if (err instanceof Error) expect(mapped.message).toContain(err.message)
  })

  it('names topic and partition on delivery errors', () => {
    const mapped = toKafkaError(protocol('MESSAGE_TOO_LARGE', 10, 'too large'), {
      role: 'delivery',
      topic: 'gracedb-dev.test',
      partition: 3,
    })
    expect(mapped).toMatchObject({ topic: 'gracedb-dev.test', partition: 3 })
    expect(mapped.message).toMatch(/larger than the broker accepts/)
  })

  it('a topic error is a delivery error naming the topic, not a token problem', () => {
    const mapped = toKafkaError(protocol('TOPIC_AUTHORIZATION_FAILED', 29, 'Not authorized'), {
      role: 'delivery',
      topic: 'gracedb-dev.cbc',
      partition: 0,
    })
    expect(mapped).toBeInstanceOf(KafkaMessageDeliveryError)
    expect(mapped).toBeInstanceOf(KafkaProducerError)
    expect(mapped).not.toBeInstanceOf(KafkaAuthenticationError)
    expect(mapped).toMatchObject({ topic: 'gracedb-dev.cbc', partition: 0 })
    expect(mapped.message).toMatch(/not authorised for this topic/)
  })

  it('a missing topic says so and how to fix it', () => {
    const mapped = toKafkaError(protocol('UNKNOWN_TOPIC_OR_PARTITION', 3, 'unknown'), {
      role: 'producer',
      topic: 'gracedb-dev.nope',
    })
    expect(mapped).toBeInstanceOf(KafkaTopicError)
    expect(mapped.message).toMatch(/does not exist on the broker; check the instance name/)
  })

  it('a connection failure wins over a topic lookup it interrupted', () => {
    const err = retriesExceeded(
      kafkajsError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:1', {
        cause: protocol('UNKNOWN_TOPIC_OR_PARTITION', 3, 'unknown'),
      }),
    )
    expect(toKafkaError(err, { role: 'producer' })).toBeInstanceOf(KafkaConnectionError)
  })

  it('passes an already-mapped error through unchanged', () => {
    const token = new KafkaTokenError('no token', { source: 'BEARER_TOKEN' })
    expect(toKafkaError(token, { role: 'consumer' })).toBe(token)
    const conn = new KafkaConnectionError('down')
    expect(toKafkaError(conn, { role: 'delivery' })).toBe(conn)
  })

  it('never puts a token in the message', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl'
    const mapped = toKafkaError(kafkajsError('KafkaJSSASLAuthenticationError', `refused ${token}`), {
      role: 'producer',
    })
    expect(mapped.message).not.toContain(token)
    expect(mapped.message).toContain('[REDACTED-TOKEN]')
  })

  it('without an action says what failed generically', () => {
    expect(toKafkaError(new Error('x'), { role: 'consumer' }).message).toBe('Kafka operation failed: x')
  })
})
