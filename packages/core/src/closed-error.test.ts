import { describe, expect, it } from 'vitest'
import { ClientClosedError } from './closed-error.js'
import { CodedError, KafkaConsumerError, KafkaError, KafkaProducerError } from './errors.js'

describe('ClientClosedError', () => {
  it('has one code for every client and names the client', () => {
    for (const client of ['producer', 'consumer', 'gracedb', 'token-manager'] as const) {
      const err = new ClientClosedError(client)
      expect(err.code).toBe('ERR_CLIENT_CLOSED')
      expect(err.client).toBe(client)
      expect(err.name).toBe('ClientClosedError')
      expect(err.message).toMatch(/closed/)
      expect(err).toBeInstanceOf(KafkaError)
      expect(err).toBeInstanceOf(CodedError)
      expect(err).not.toBeInstanceOf(KafkaProducerError)
      expect(err).not.toBeInstanceOf(KafkaConsumerError)
    }
  })

  it('takes a specific message and keeps the cause', () => {
    const cause = new Error('flush failed')
    const err = new ClientClosedError(
      'producer',
      'The producer was closed before the message was delivered',
      {
        cause,
      },
    )
    expect(err.message).toBe('The producer was closed before the message was delivered')
    expect(err.cause).toBe(cause)
  })

  it('is recognised across copies of the package by its brand', () => {
    const foreign = new ClientClosedError('consumer')
    const copy = Object.create(Object.prototype, Object.getOwnPropertyDescriptors(foreign)) as unknown
    expect(copy).toBeInstanceOf(ClientClosedError)
  })
})
