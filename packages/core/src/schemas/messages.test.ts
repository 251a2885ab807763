import { describe, expect, it } from 'vitest'
import {
  KafkaProducerError,
  MessageSchemaError,
  type UploadMessage,
  validateMessage,
  validatePingMessage,
  validateUploadMessage,
} from '../index.js'

// The cases of the reference's own kafka/test/test_schema.py (ligo-gracedb 2.16.1), with our API.
const validMessage = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'upload',
  gracedb_server: 'https://gracedb-test.ligo.org/api/',
  graceid: 'G123456',
  submitter: 'user@ligo.org',
  pipeline: 'gstlal',
  gracedb_upload: true,
  skip_supervisor: false,
  labels: null,
  eventFile: ['coinc.xml', 'PGh0bWw+PC9odG1sPg=='],
  content_id: '550e8400-e29b-41d4-a716-446655440000',
  _producer_timestamp: 1774900000.0,
  ...overrides,
})
const validPing = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'ping',
  timestamp: 1774900000.0,
  client: 'ligo-gracedb',
  sub: 'user@ligo.org',
  scope: 'gracedb.read',
  ...overrides,
})
const without = (msg: Record<string, unknown>, key: string): Record<string, unknown> => {
  const copy = { ...msg }
  delete copy[key]
  return copy
}
const schemaError = (fn: () => unknown): MessageSchemaError => {
  try {
    fn()
  } catch (err) {
    if (err instanceof MessageSchemaError) return err
    throw err
  }
  throw new Error('expected a MessageSchemaError')
}

describe('valid upload messages (TestValidMessage, TestBackwardCompatibility)', () => {
  it.each([
    ['full message', validMessage()],
    [
      'minimal message',
      {
        type: 'upload',
        gracedb_server: 'https://gracedb-test.ligo.org/api/',
        pipeline: 'gstlal',
        gracedb_upload: true,
        eventFile: ['coinc.xml', 'PGh0bWw+PC9odG1sPg=='],
      },
    ],
    ['null graceid', validMessage({ graceid: null, gracedb_upload: false })],
    ['null labels', validMessage({ labels: null })],
    ['labels list', validMessage({ labels: ['DQV', 'INJ'] })],
    ['empty labels list', validMessage({ labels: [] })],
    ['additional properties', validMessage({ new_future_field: 'hello' })],
    ['no content_id', without(validMessage(), 'content_id')],
    ['no _producer_timestamp', without(validMessage(), '_producer_timestamp')],
    ['no skip_supervisor', without(validMessage(), 'skip_supervisor')],
    ['no graceid', without(validMessage(), 'graceid')],
    ['no submitter', without(validMessage(), 'submitter')],
    ['integer timestamp', validMessage({ _producer_timestamp: 1774900000 })],
  ])('%s passes and comes back typed, unknown fields kept', (_label, msg) => {
    const out: UploadMessage = validateUploadMessage(msg)
    expect(out).toEqual(msg)
    expect(validateMessage(msg)).toEqual(msg)
  })
})

describe('missing required fields (TestMissingRequiredFields)', () => {
  it.each(['type', 'gracedb_server', 'pipeline', 'gracedb_upload', 'eventFile'])('%s', (field) => {
    const err = schemaError(() => validateUploadMessage(without(validMessage(), field)))
    expect(err.field).toBe(field)
    expect(err.message).toContain(`"${field}" is required`)
  })
})

describe('invalid types (TestInvalidTypes)', () => {
  it.each([
    ['type not a string', { type: 123 }, 'type'],
    ['type not "upload"', { type: 'invalid' }, 'type'],
    ['gracedb_upload not a boolean', { gracedb_upload: 'yes' }, 'gracedb_upload'],
    ['pipeline not a string', { pipeline: 42 }, 'pipeline'],
    ['eventFile not an array', { eventFile: 'not-an-array' }, 'eventFile'],
    ['eventFile with one item', { eventFile: ['only-one'] }, 'eventFile'],
    ['eventFile with three items', { eventFile: ['a', 'b', 'c'] }, 'eventFile'],
    ['eventFile item not a string', { eventFile: ['a', 1] }, 'eventFile.1'],
    ['labels a single string', { labels: 'single-string' }, 'labels'],
    ['a label not a string', { labels: ['DQV', 7] }, 'labels.1'],
    ['_producer_timestamp not a number', { _producer_timestamp: 'not-a-number' }, '_producer_timestamp'],
    ['_producer_timestamp a boolean', { _producer_timestamp: true }, '_producer_timestamp'],
    ['skip_supervisor null', { skip_supervisor: null }, 'skip_supervisor'],
    ['content_id null', { content_id: null }, 'content_id'],
    ['graceid a number', { graceid: 5 }, 'graceid'],
    ['gracedb_server null', { gracedb_server: null }, 'gracedb_server'],
  ])('%s', (_label, overrides, field) => {
    const err = schemaError(() => validateUploadMessage(validMessage(overrides)))
    expect(err).toBeInstanceOf(KafkaProducerError)
    expect(err.code).toBe('ERR_KAFKA_MESSAGE_SCHEMA')
    expect(err.schema).toBe('upload')
    expect(err.field).toBe(field)
  })

  it('never echoes a field value (an event file or a token must not reach a log)', () => {
    const secret = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl'
    const err = schemaError(() => validateUploadMessage(validMessage({ pipeline: 42, eventFile: [secret] })))
    expect(err.message).not.toContain(secret)
    expect(err.message).not.toContain('42')
    expect(err.issues.map((i) => i.field)).toEqual(['pipeline', 'eventFile'])
  })

  it('a message that is not an object is refused at the root', () => {
    for (const value of [null, 'text', 42, ['type', 'upload']]) {
      const err = schemaError(() => validateUploadMessage(value))
      expect(err.field).toBe('')
      expect(err.message).toMatch(/must be object/)
    }
  })
})

describe('ping messages (TestPingMessage)', () => {
  it.each([
    ['full ping', validPing()],
    ['minimal ping', { type: 'ping', timestamp: 1.0, client: 'ligo-gracedb' }],
    ['null claims', validPing({ sub: null, scope: null })],
    ['additional properties', validPing({ new_future_field: 'hello' })],
  ])('%s passes', (_label, msg) => {
    expect(validatePingMessage(msg)).toEqual(msg)
    expect(validateMessage(msg)).toEqual(msg)
  })

  it.each([
    ['missing timestamp', without(validPing(), 'timestamp'), 'timestamp'],
    ['missing client', without(validPing(), 'client'), 'client'],
    ['timestamp not a number', validPing({ timestamp: 'now' }), 'timestamp'],
    ['sub not a string or null', validPing({ sub: 42 }), 'sub'],
    ['type not "ping"', validPing({ type: 'upload' }), 'type'],
  ])('%s is refused', (_label, msg, field) => {
    const err = schemaError(() => validatePingMessage(msg))
    expect(err.schema).toBe('ping')
    expect(err.field).toBe(field)
  })

  it('an upload payload labelled "ping" is judged as a ping', () => {
    const err = schemaError(() => validateMessage(validMessage({ type: 'ping' })))
    expect(err.schema).toBe('ping')
    expect(err.field).toBe('timestamp')
  })

  it('anything that is not a ping is judged as an upload', () => {
    expect(schemaError(() => validateMessage({})).schema).toBe('upload')
    expect(schemaError(() => validateMessage({ type: 'bogus' })).field).toBe('type')
    expect(schemaError(() => validateMessage(['type', 'ping'])).schema).toBe('upload')
  })
})
