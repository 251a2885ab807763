import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InvalidOptionError } from '@gracedb-kafka/core'
import {
  createTokenIssuer,
  type GraceDbStandIn,
  startGraceDbStandIn,
  type TokenIssuer,
} from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { GraceDb } from './client.js'
import type { GraceDbOptionsInput } from './client-options.js'
import { contentId } from './content-id.js'
import {
  GraceDbConnectionError,
  type GraceDbFileError,
  GraceDbHttpError,
  GraceDbResponseError,
} from './errors.js'

// The GraceDB stand-in from testkit is a real HTTP server; no Kafka is needed for the plain HTTP paths.
let issuer: TokenIssuer
let gracedb: GraceDbStandIn
let dir: string
let tokenEnv: NodeJS.ProcessEnv
let coinc: string
const coincBytes = Buffer.from('<?xml version="1.0"?><LIGO_LW>\u00e9\u0000binary\u00ff</LIGO_LW>', 'latin1')

beforeAll(async () => {
  issuer = await createTokenIssuer()
  gracedb = await startGraceDbStandIn({ issuer })
  dir = await mkdtemp(join(tmpdir(), 'gk-rest-http-'))
  coinc = join(dir, 'coinc.xml')
  await writeFile(coinc, coincBytes)
  const token = await issuer.mint({ aud: ['localhost', gracedb.audience] })
  tokenEnv = {
    BEARER_TOKEN_FILE: await issuer.writeTokenFile(token, join(dir, 'token')),
    XDG_RUNTIME_DIR: dir,
  }
})
afterAll(async () => {
  await gracedb?.stop()
  await rm(dir, { recursive: true, force: true })
})
beforeEach(() => gracedb.clearFaults())

function client(opts: GraceDbOptionsInput = {}): GraceDb {
  return new GraceDb(gracedb.serviceUrl, { apiVersion: 'v2', env: tokenEnv, backoffFactor: 0.01, ...opts })
}

function countRequests(endpoint: string, since: number): number {
  return gracedb.requests.slice(since).filter((r) => r.endpoint === endpoint).length
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection')
    },
    (err: unknown) => err,
  )
}

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

  it('retries 503 and 502 with backoff, then succeeds', async () => {
    await using c = client()
    await c.serviceInfo()
    const since = gracedb.requests.length
    gracedb.injectFault('create', { status: 503, times: 1, headers: { 'retry-after': '0' } })
    gracedb.injectFault('create', { status: 502, times: 1 })
    const r = await c.createEvent('Test', 'gstlal', coinc)
    expect(r.status).toBe(201)
    expect(countRequests('create', since)).toBe(3)
  })

  it('retries a connection reset', async () => {
    await using c = client()
    await c.serviceInfo()
    const since = gracedb.requests.length
    gracedb.injectFault('reserve', { reset: true })
    const r = await c.reserveGraceId('Test', 'gstlal')
    expect(r.graceid).toMatch(/^G\d+$/)
    expect(countRequests('reserve', since)).toBe(2)
  })

  it('gives up within the retry time budget and reports the last status', async () => {
    await using c = client({ retries: 100, retryTimeout: 1, backoffFactor: 0.1 })
    await c.serviceInfo()
    const since = gracedb.requests.length
    gracedb.injectFault('create', { status: 504, times: 1000 })
    const started = Date.now()
    const err = await rejection(c.createEvent('Test', 'gstlal', coinc))
    const elapsed = Date.now() - started
    expect(countRequests('create', since)).toBeGreaterThan(1)
    expect(err).toBeInstanceOf(GraceDbHttpError)
    expect((err as GraceDbHttpError).status).toBe(504)
    expect((err as GraceDbHttpError).code).toBe('ERR_GRACEDB_SERVER')
    expect(elapsed).toBeLessThan(3000)
  })

  it('a connection that keeps resetting ends in GraceDbConnectionError', async () => {
    await using c = client({ retries: 2 })
    await c.serviceInfo()
    gracedb.injectFault('reserve', { reset: true, times: 3 })
    const err = await rejection(c.reserveGraceId('Test', 'gstlal'))
    expect(err).toBeInstanceOf(GraceDbConnectionError)
    expect((err as GraceDbConnectionError).code).toBe('ERR_GRACEDB_CONNECTION')
  })

  it('does not retry a 4xx and keeps GraceDB’s message', async () => {
    await using c = client()
    await c.serviceInfo()
    const since = gracedb.requests.length
    gracedb.injectFault('create', { status: 409, body: '{"detail":"Duplicate content_id"}' })
    const err = await rejection(c.createEvent('Test', 'gstlal', coinc))
    expect((err as GraceDbHttpError).serverMessage).toBe('Duplicate content_id')
    expect(countRequests('create', since)).toBe(1)
  })

  it('a success reply that is not JSON is ERR_GRACEDB_NOT_JSON', async () => {
    await using c = client()
    await c.serviceInfo()
    gracedb.injectFault('create', { status: 201, body: 'created, sort of', contentType: 'text/plain' })
    const err = await rejection(c.createEvent('Test', 'gstlal', coinc))
    expect(err).toBeInstanceOf(GraceDbResponseError)
    expect((err as GraceDbResponseError).code).toBe('ERR_GRACEDB_NOT_JSON')
    expect((err as GraceDbResponseError).snippet).toBe('created, sort of')
  })

  it('an HTML page instead of JSON is ERR_GRACEDB_HTML_RESPONSE; an HTML error page keeps its title', async () => {
    await using c = client()
    gracedb.injectFault('root', {
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: '<!DOCTYPE html><html><head><title>Shibboleth login</title></head><body>log in</body></html>',
    })
    const err = await rejection(c.createEvent('Test', 'gstlal', coinc))
    expect(err).toBeInstanceOf(GraceDbResponseError)
    expect((err as GraceDbResponseError).code).toBe('ERR_GRACEDB_HTML_RESPONSE')
    expect((err as Error).message).toContain('Shibboleth login')

    gracedb.injectFault('create', {
      status: 404,
      contentType: 'text/html',
      body: '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>',
    })
    const notFound = await rejection(c.createEvent('Test', 'gstlal', coinc))
    expect(notFound).toBeInstanceOf(GraceDbHttpError)
    expect((notFound as GraceDbHttpError).serverMessage).toBe('404 Not Found')
  })

  it('a bad API version names the available ones', async () => {
    await using c = client({ apiVersion: 'v9' })
    const err = await rejection(c.serviceInfo())
    expect(err).toBeInstanceOf(InvalidOptionError)
    expect((err as InvalidOptionError).option).toBe('apiVersion')
    expect((err as Error).message).toContain('v2')
  })
})

describe('GraceDb authentication failures', () => {
  it('no credentials → 401 ERR_GRACEDB_UNAUTHORIZED', async () => {
    await using c = client({ forceNoauth: true })
    const err = await rejection(c.createEvent('Test', 'gstlal', coinc))
    expect(err).toBeInstanceOf(GraceDbHttpError)
    expect((err as GraceDbHttpError).status).toBe(401)
    expect((err as GraceDbHttpError).code).toBe('ERR_GRACEDB_UNAUTHORIZED')
    expect((err as GraceDbHttpError).serverMessage).toBe('Authentication credentials were not provided.')
  })

  it('an expired token is not sent; the 401 explains why no token went out', async () => {
    const expired = await issuer.mint({ aud: gracedb.audience }, { lifetime: -120 })
    const env = {
      BEARER_TOKEN_FILE: await issuer.writeTokenFile(expired, join(dir, 'expired')),
      XDG_RUNTIME_DIR: dir,
    }
    await using c = client({ env })
    const err = await rejection(c.reserveGraceId('Test', 'gstlal'))
    expect(err).toBeInstanceOf(GraceDbHttpError)
    expect((err as GraceDbHttpError).status).toBe(401)
    expect((err as Error).message).toContain('no SciToken was sent')
    expect((err as Error).message).not.toMatch(/eyJ[\w-]+\.eyJ/)
  })

  it('a token from an untrusted issuer → 401 Invalid token', async () => {
    const stranger = await createTokenIssuer()
    const forged = await stranger.mint({ aud: gracedb.audience, iss: issuer.issuer })
    const env = {
      BEARER_TOKEN_FILE: await stranger.writeTokenFile(forged, join(dir, 'forged')),
      XDG_RUNTIME_DIR: dir,
    }
    await using c = client({ env })
    const err = await rejection(c.reserveGraceId('Test', 'gstlal'))
    expect((err as GraceDbHttpError).status).toBe(401)
    expect((err as GraceDbHttpError).serverMessage).toMatch(/^Invalid token/)
  })

  it('a token without gracedb.read → 403 ERR_GRACEDB_FORBIDDEN', async () => {
    const narrow = await issuer.mint({ aud: gracedb.audience, scope: 'kafka.produce' })
    const env = {
      BEARER_TOKEN_FILE: await issuer.writeTokenFile(narrow, join(dir, 'narrow')),
      XDG_RUNTIME_DIR: dir,
    }
    await using c = client({ env, tokenScope: 'kafka.produce' })
    const err = await rejection(c.reserveGraceId('Test', 'gstlal'))
    expect((err as GraceDbHttpError).status).toBe(403)
    expect((err as GraceDbHttpError).code).toBe('ERR_GRACEDB_FORBIDDEN')
  })
})
