import { describe, expect, it, vi } from 'vitest'
import {
  CodedError,
  InvalidOptionError,
  KafkaAuthenticationError,
  KafkaConnectionError,
  KafkaConsumerError,
  KafkaError,
  KafkaMessageDeliveryError,
  KafkaProducerError,
  KafkaTokenError,
  KafkaTopicError,
} from './index.js'

describe('error tree', () => {
  const cases = [
    [KafkaError, 'ERR_KAFKA', []],
    [KafkaAuthenticationError, 'ERR_KAFKA_AUTHENTICATION', [KafkaError]],
    [KafkaTokenError, 'ERR_KAFKA_TOKEN', [KafkaAuthenticationError, KafkaError]],
    [KafkaProducerError, 'ERR_KAFKA_PRODUCER', [KafkaError]],
    [KafkaMessageDeliveryError, 'ERR_KAFKA_MESSAGE_DELIVERY', [KafkaProducerError, KafkaError]],
    [KafkaTopicError, 'ERR_KAFKA_TOPIC', [KafkaMessageDeliveryError, KafkaProducerError, KafkaError]],
    [KafkaConsumerError, 'ERR_KAFKA_CONSUMER', [KafkaError]],
    [KafkaConnectionError, 'ERR_KAFKA_CONNECTION', [KafkaError]],
  ] as const

  it.each(cases)('%o has its code, name, cause and parents', (Cls, code, parents) => {
    const cause = new Error('root cause')
    const err = new Cls('boom', { cause })
    expect(err.code).toBe(code)
    expect(err.name).toBe(Cls.name)
    expect(err.cause).toBe(cause)
    expect(err).toBeInstanceOf(Error)
    expect(err).toBeInstanceOf(Cls)
    for (const P of parents) expect(err).toBeInstanceOf(P)
  })

  it('siblings are not instances of each other', () => {
    expect(new KafkaProducerError('x')).not.toBeInstanceOf(KafkaConsumerError)
    expect(new KafkaConsumerError('x')).not.toBeInstanceOf(KafkaAuthenticationError)
    expect(new KafkaAuthenticationError('x')).not.toBeInstanceOf(KafkaTokenError)
    expect(new Error('x')).not.toBeInstanceOf(KafkaError)
    expect(new KafkaMessageDeliveryError('x')).not.toBeInstanceOf(KafkaTopicError)
    expect(new KafkaTopicError('x')).not.toBeInstanceOf(KafkaAuthenticationError)
  })

  it('KafkaTopicError names the topic and partition like any delivery error', () => {
    const err = new KafkaTopicError('no such topic', { topic: 'gracedb-dev.cbc', partition: 1 })
    expect(err).toMatchObject({ topic: 'gracedb-dev.cbc', partition: 1, code: 'ERR_KAFKA_TOPIC' })
  })

  it('instanceof holds for errors from a second installed copy of the package', async () => {
    // Load a second, independent copy of the module: a fresh module registry gives new class objects,
    // exactly as two installed copies of @gracedb-kafka/core would.
    vi.resetModules()
    const copy = await import('./errors.js')
    expect(copy.KafkaTokenError).not.toBe(KafkaTokenError)
    const foreign = new copy.KafkaTokenError('from the other copy')
    expect(foreign).toBeInstanceOf(KafkaTokenError)
    expect(foreign).toBeInstanceOf(KafkaAuthenticationError)
    expect(foreign).toBeInstanceOf(KafkaError)
    expect(foreign).not.toBeInstanceOf(KafkaProducerError)
    expect(new KafkaMessageDeliveryError('x')).toBeInstanceOf(copy.KafkaProducerError)
    expect(new copy.InvalidOptionError('a', 'b')).toBeInstanceOf(InvalidOptionError)
  })

  it('a code can be made more specific and stays stable', () => {
    const err = new KafkaTokenError('expired', { code: 'ERR_KAFKA_TOKEN_EXPIRED', source: 'BEARER_TOKEN' })
    expect(err.code).toBe('ERR_KAFKA_TOKEN_EXPIRED')
    expect(err.source).toBe('BEARER_TOKEN')
  })

  it('never carries a JWT in its message', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl'
    const err = new KafkaError(`token ${jwt} rejected`)
    expect(err.message).not.toContain(jwt)
    expect(err.message).toContain('[REDACTED-TOKEN]')
    expect(String(err.stack)).not.toContain(jwt)
    expect(new InvalidOptionError('x', `bad ${jwt}`).message).not.toContain(jwt)
  })

  it('delivery errors name the topic and partition', () => {
    const err = new KafkaMessageDeliveryError('failed', { topic: 'gracedb-dev.test', partition: 2 })
    expect(err.topic).toBe('gracedb-dev.test')
    expect(err.partition).toBe(2)
  })
})

describe('CodedError, the base of every error class', () => {
  it('gives subclasses their code, name and the cross-copy instanceof', () => {
    class MyError extends CodedError {
      static override readonly code: string = 'ERR_MINE'
    }
    const err = new MyError('boom', { code: 'ERR_MINE_SPECIFIC' })
    expect(err.code).toBe('ERR_MINE_SPECIFIC')
    expect(new MyError('x').code).toBe('ERR_MINE')
    expect(err.name).toBe('MyError')
    expect(err).toBeInstanceOf(CodedError)
    expect(new KafkaError('x')).toBeInstanceOf(CodedError)
    expect(err).not.toBeInstanceOf(KafkaError)
  })
})
