import { KafkaConsumerError } from '@gracedb-kafka/core'
import { describe, expect, it, vi } from 'vitest'
import type { ConsumerMessage } from './decode.js'
import { GraceDbMessageError, graceDbUploads, toGraceDbUpload } from './gracedb-message.js'

const upload = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'upload',
  gracedb_server: 'https://gracedb-test.ligo.org/api/',
  graceid: 'G123456',
  submitter: 'user@ligo.org',
  pipeline: 'gstlal',
  gracedb_upload: true,
  skip_supervisor: false,
  labels: null,
  eventFile: ['coinc.xml', Buffer.from('<html></html>').toString('base64')],
  content_id: '550e8400-e29b-41d4-a716-446655440000',
  _producer_timestamp: 1774900000.0,
  ...overrides,
})

const msg = (value: unknown, offset = 7): ConsumerMessage => ({
  topic: 'gracedb-test.gstlal',
  partition: 2,
  offset,
  key: null,
  value,
  timestamp: 1,
  headers: null,
})

describe('toGraceDbUpload', () => {
  it('types and validates an upload message and decodes its event file', () => {
    const event = toGraceDbUpload(msg(upload()))
    expect(event?.upload.graceid).toBe('G123456')
    expect(event?.eventFile.filename).toBe('coinc.xml')
    expect(event?.eventFile.contents).toEqual(Buffer.from('<html></html>'))
    expect(event?.message.offset).toBe(7)
  })

  it('keeps unknown fields and accepts an empty file', () => {
    const event = toGraceDbUpload(msg(upload({ eventFile: ['empty.xml', ''], future_field: 1 })))
    expect(event?.eventFile.contents.length).toBe(0)
    expect(event?.upload.future_field).toBe(1)
  })

  it('returns null for a valid ping message', () => {
    expect(toGraceDbUpload(msg({ type: 'ping', timestamp: 1774900000.0, client: 'ligo-gracedb' }))).toBeNull()
  })

  it.each([
    ['a string value', 'not json at all', ''],
    ['null', null, ''],
    ['an array', [1, 2], ''],
    ['a missing eventFile', upload({ eventFile: undefined }), 'eventFile'],
    ['a one-element eventFile', upload({ eventFile: ['x.xml'] }), 'eventFile'],
    ['a wrong type', upload({ gracedb_upload: 'yes' }), 'gracedb_upload'],
    ['an unknown type', upload({ type: 'delete' }), 'type'],
    ['an event file that is not base64', upload({ eventFile: ['x.xml', 'not base64!'] }), 'eventFile.1'],
    ['a ping without client', { type: 'ping', timestamp: 1 }, 'client'],
  ])('refuses %s with GraceDbMessageError naming the field', (_, value, field) => {
    const err = (() => {
      try {
        toGraceDbUpload(msg(value))
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(GraceDbMessageError)
    expect(err).toBeInstanceOf(KafkaConsumerError)
    expect(err).toMatchObject({ code: 'ERR_KAFKA_CONSUMER_INVALID_MESSAGE', field, offset: 7, partition: 2 })
    expect((err as Error).message).toContain('gracedb-test.gstlal partition 2 offset 7')
    // never echoes the value
    expect((err as Error).message).not.toContain('not base64!')
    expect((err as Error).message).not.toContain('"yes"')
  })
})

describe('graceDbUploads', () => {
  async function* source(values: unknown[]): AsyncGenerator<ConsumerMessage> {
    let offset = 0
    for (const v of values) yield msg(v, offset++)
  }

  it('yields valid uploads, skips pings, reports the rest to onInvalid', async () => {
    const invalid: number[] = []
    const got: number[] = []
    const values = [
      upload(),
      { type: 'ping', timestamp: 1, client: 'x' },
      'garbage',
      upload({ graceid: 'G2' }),
    ]
    for await (const event of graceDbUploads(source(values), {
      gracedb: true,
      onInvalid: (err, m) => {
        expect(err.offset).toBe(m.offset)
        invalid.push(m.offset)
      },
    })) {
      got.push(event.message.offset)
    }
    expect(got).toEqual([0, 3])
    expect(invalid).toEqual([2])
  })

  it('warns by default, and an error thrown by onInvalid ends the stream with it', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    try {
      const got: unknown[] = []
      for await (const e of graceDbUploads(source(['x', upload()]), { gracedb: true })) got.push(e)
      expect(got).toHaveLength(1)
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('not a GraceDB upload message'),
        expect.objectContaining({ code: 'ERR_KAFKA_CONSUMER_INVALID_MESSAGE' }),
      )
    } finally {
      warn.mockRestore()
    }
    const stop = new Error('stop here')
    const run = async () => {
      for await (const _ of graceDbUploads(source(['x']), {
        gracedb: true,
        onInvalid: () => {
          throw stop
        },
      })) {
        // nothing valid
      }
    }
    await expect(run()).rejects.toBe(stop)
  })
})
