import { CodedError, KafkaError } from '@gracedb-kafka/core'
import { describe, expect, it, vi } from 'vitest'
import { GraceDbConnectionError, GraceDbError, GraceDbHttpError } from './errors.js'

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl'

describe('GraceDB client errors', () => {
  it('carry codes by status, the graceid and the cause; they are not Kafka errors', () => {
    const cause = new Error('socket hang up')
    const err = new GraceDbHttpError('create failed', {
      status: 403,
      method: 'POST',
      url: 'https://gracedb.example/api/v2/events/',
      serverMessage: 'You do not have permission',
      body: '{"detail": "You do not have permission"}',
      graceid: 'G123',
      cause,
    })
    expect(err.code).toBe('ERR_GRACEDB_FORBIDDEN')
    expect(err.graceid).toBe('G123')
    expect(err.cause).toBe(cause)
    expect(err).toBeInstanceOf(GraceDbError)
    expect(err).toBeInstanceOf(CodedError)
    expect(err).not.toBeInstanceOf(KafkaError)
    expect(new GraceDbConnectionError('down').code).toBe('ERR_GRACEDB_CONNECTION')
  })

  it('never carry a token in the message, server message or body', () => {
    const err = new GraceDbHttpError(`bad token ${JWT}`, {
      status: 401,
      method: 'GET',
      url: 'https://gracedb.example/api/',
      serverMessage: `Invalid token ${JWT}`,
      body: `{"detail": "Invalid token ${JWT}"}`,
    })
    expect(`${err.message} ${err.serverMessage} ${err.body} ${err.stack}`).not.toContain(JWT)
  })

  it('instanceof holds for errors from a second installed copy of the package', async () => {
    vi.resetModules()
    const copy = await import('./errors.js')
    expect(copy.GraceDbHttpError).not.toBe(GraceDbHttpError)
    const foreign = new copy.GraceDbConnectionError('from the other copy')
    expect(foreign).toBeInstanceOf(GraceDbConnectionError)
    expect(foreign).toBeInstanceOf(GraceDbError)
    expect(foreign).not.toBeInstanceOf(GraceDbHttpError)
  })
})
