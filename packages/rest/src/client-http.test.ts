// GraceDb over plain HTTP against the testkit stand-in: creating, reserving and completing events, and input it
// refuses before any request. Retries, bad replies and authentication failures: client-http-failures.test.ts.

import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { InvalidOptionError } from '@gracedb-kafka/core'
import { describe, expect, it } from 'vitest'
import { contentId } from './content-id.js'
import { type GraceDbFileError, GraceDbHttpError } from './errors.js'
import { client, coinc, coincBytes, dir, gracedb, rejection, useStandIn } from './testing/http-fixture.js'

useStandIn()

describe('GraceDb over plain HTTP (against the testkit stand-in)', () => {
  it('createEvent without kafka POSTs the event; the server holds it byte-for-byte', async () => {
    await using c = client()
    const r = await c.createEvent('CBC', 'gstlal', coinc, {
      search: 'AllSky',
      labels: ['INJ', 'DQV'],
      offline: true,
    })
    expect(r.status).toBe(201)
    expect(r.via).toBe('http')
    const graceid = r.json().graceid as string
    expect(graceid).toMatch(/^G\d+$/)
    expect(r.graceid).toBe(graceid)
    const stored = gracedb.events.find((e) => e.graceid === graceid)
    expect(stored).toMatchObject({
      group: 'CBC',
      pipeline: 'gstlal',
      search: 'AllSky',
      labels: ['INJ', 'DQV'],
      offline: true,
      filename: 'coinc.xml',
      via: 'http',
      submitter: 'testuser',
      reserved: false,
      contentId: contentId(coincBytes),
    })
    expect(Buffer.from(stored?.contents ?? []).equals(coincBytes)).toBe(true)
  })

  it('a single label string and filecontents work like the reference', async () => {
    await using c = client()
    const r = await c.createEvent('Test', 'MBTA', 'inline.xml', {
      labels: 'EM_READY',
      filecontents: 'inline data',
    })
    const stored = await gracedb.waitForEvent(r.graceid as string, 1000)
    expect(stored.labels).toEqual(['EM_READY'])
    expect(stored.offline).toBe(false)
    expect(Buffer.from(stored.contents).toString()).toBe('inline data')
  })

  it('reserveGraceId then uploadReservedEvent completes the same graceid with provenance', async () => {
    await using c = client()
    const reservation = await c.reserveGraceId('Burst', 'CWB', { search: 'AllSky' })
    expect(reservation.status).toBe(201)
    const graceid = reservation.json().graceid as string
    expect(reservation.json().submitter).toBe('testuser')
    expect(gracedb.reservations.has(graceid)).toBe(true)
    const up = await c.uploadReservedEvent(graceid, coinc, {
      labels: 'INJ',
      kafkaServer: 'k:9092',
      kafkaTopic: 'cwb',
    })
    expect(up.graceid).toBe(graceid)
    const stored = await gracedb.waitForEvent(graceid, 1000)
    expect(stored).toMatchObject({
      group: 'Burst',
      pipeline: 'CWB',
      reserved: true,
      via: 'http',
      labels: ['INJ'],
    })
    expect(stored.kafkaServer).toBe('k:9092')
    expect(stored.kafkaTopic).toBe('cwb')
    expect(Buffer.from(stored.contents).equals(coincBytes)).toBe(true)
    const again = await rejection(c.uploadReservedEvent(graceid, coinc))
    expect(again).toBeInstanceOf(GraceDbHttpError)
    expect((again as GraceDbHttpError).status).toBe(400)
  })

  it('an unknown group is refused before any request is sent (InvalidOptionError naming group)', async () => {
    await using c = client()
    await c.serviceInfo()
    const before = gracedb.requests.length
    const err = await rejection(c.createEvent('Nope', 'gstlal', coinc))
    expect(err).toBeInstanceOf(InvalidOptionError)
    expect((err as InvalidOptionError).option).toBe('group')
    expect((err as Error).message).toContain('CBC')
    expect(gracedb.requests.length).toBe(before)
  })

  it('with validate: false the server rejects an unknown group with 400 and GraceDB’s own message', async () => {
    await using c = client({ validate: false })
    const err = await rejection(c.createEvent('Nope', 'gstlal', coinc))
    expect(err).toBeInstanceOf(GraceDbHttpError)
    const e = err as GraceDbHttpError
    expect(e.status).toBe(400)
    expect(e.code).toBe('ERR_GRACEDB_HTTP')
    expect(e.serverMessage).toBe('group: Object with name=Nope does not exist.')
    expect(e.message).toContain('Object with name=Nope does not exist.')
  })

  it('bad files fail before any request: missing, empty, no contents', async () => {
    await using c = client()
    await c.serviceInfo()
    const before = gracedb.requests.length
    const empty = join(dir, 'empty.xml')
    await writeFile(empty, '')
    const missing = await rejection(c.createEvent('CBC', 'gstlal', join(dir, 'missing.xml')))
    expect((missing as GraceDbFileError).code).toBe('ERR_GRACEDB_FILE_MISSING')
    expect((await rejection(c.createEvent('CBC', 'gstlal', empty))) as GraceDbFileError).toMatchObject({
      reason: 'empty',
    })
    expect(
      (await rejection(c.createEvent('CBC', 'gstlal', 'x.xml', { filecontents: '' }))) as GraceDbFileError,
    ).toMatchObject({ reason: 'no-contents' })
    expect((await rejection(c.createEvent('CBC', 'gstlal', dir))) as GraceDbFileError).toMatchObject({
      reason: 'unreadable',
    })
    expect(gracedb.requests.length).toBe(before)
  })
})
