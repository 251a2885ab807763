import { createRequire } from 'node:module'
import { toKafkaError } from '@gracedb-kafka/core'
import { describe, expect, it } from 'vitest'
import { isDuplicateSequence, isProducerStateLost, isTransient } from './transient.js'

// kafkajs's own error factory (what its protocol parser throws) and the wrappers its retrier adds.
const require = createRequire(import.meta.url)
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as {
  createErrorFromCode: (code: number) => Error & { type: string; retriable: boolean }
}
const { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded } = require('kafkajs/src/errors') as {
  KafkaJSNonRetriableError: new (e: Error, o: { cause: Error }) => Error
  KafkaJSNumberOfRetriesExceeded: new (e: Error, o: { cause: Error }) => Error
}
const codes = {
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  INVALID_PRODUCER_EPOCH: 47,
  UNKNOWN_PRODUCER_ID: 59,
  NOT_LEADER_OR_FOLLOWER: 6,
  NOT_ENOUGH_REPLICAS: 19,
  MESSAGE_TOO_LARGE: 10,
  ILLEGAL_SASL_STATE: 34,
  DUPLICATE_SEQUENCE_NUMBER: 46,
}
const delivery = (err: unknown) => toKafkaError(err, { role: 'delivery', topic: 't', partition: 0 })

describe('isProducerStateLost', () => {
  it("recognises the broker's producer-state errors, bare or wrapped by kafkajs's retrier", () => {
    for (const name of [
      'OUT_OF_ORDER_SEQUENCE_NUMBER',
      'INVALID_PRODUCER_EPOCH',
      'UNKNOWN_PRODUCER_ID',
    ] as const) {
      const raw = createErrorFromCode(codes[name])
      expect(raw.type).toBe(name)
      expect(isProducerStateLost(raw)).toBe(true)
      expect(isProducerStateLost(new KafkaJSNonRetriableError(raw, { cause: raw }))).toBe(true)
    }
    expect(isProducerStateLost(createErrorFromCode(codes.NOT_LEADER_OR_FOLLOWER))).toBe(false)
    expect(isProducerStateLost(new Error('ECONNRESET'))).toBe(false)
  })
})

describe('isTransient', () => {
  it('a moved leader or missing replicas is sent again; a message too large or a state error is not', () => {
    for (const code of [codes.NOT_LEADER_OR_FOLLOWER, codes.NOT_ENOUGH_REPLICAS]) {
      const raw = createErrorFromCode(code)
      const wrapped = new KafkaJSNumberOfRetriesExceeded(raw, { cause: raw })
      expect(isTransient(delivery(wrapped), wrapped)).toBe(true)
    }
    const big = createErrorFromCode(codes.MESSAGE_TOO_LARGE)
    expect(isTransient(delivery(big), big)).toBe(false)
    const seq = createErrorFromCode(codes.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect(isTransient(delivery(seq), seq)).toBe(false) // handled by a new producer id instead
  })
})

describe('isTransient: a request that crossed a re-authentication', () => {
  it('ILLEGAL_SASL_STATE is sent again (bare or wrapped), although it maps to an authentication error', () => {
    const raw = createErrorFromCode(codes.ILLEGAL_SASL_STATE)
    expect(raw.type).toBe('ILLEGAL_SASL_STATE')
    const wrapped = new KafkaJSNonRetriableError(raw, { cause: raw })
    for (const err of [raw, wrapped]) {
      expect(delivery(err).name).toBe('KafkaAuthenticationError')
      expect(isTransient(delivery(err), err)).toBe(true)
    }
  })
})

describe('isDuplicateSequence', () => {
  it("recognises the broker's DUPLICATE_SEQUENCE_NUMBER (delivered before), bare or wrapped, and nothing else", () => {
    const raw = createErrorFromCode(codes.DUPLICATE_SEQUENCE_NUMBER)
    expect(raw.type).toBe('DUPLICATE_SEQUENCE_NUMBER')
    expect(isDuplicateSequence(raw)).toBe(true)
    expect(isDuplicateSequence(new KafkaJSNonRetriableError(raw, { cause: raw }))).toBe(true)
    expect(isDuplicateSequence(createErrorFromCode(codes.OUT_OF_ORDER_SEQUENCE_NUMBER))).toBe(false)
    expect(isProducerStateLost(raw)).toBe(false) // not a reason for a new producer id
  })
})
