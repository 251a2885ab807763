// GraceDb over plain HTTP against the testkit stand-in, continued from client-http.test.ts: retries with
// backoff, replies it refuses (4xx, not JSON, HTML) and authentication failures (401, 403).
import { join } from 'node:path'
import { InvalidOptionError } from '@gracedb-kafka/core'
import { createTokenIssuer } from '@gracedb-kafka/testkit'
import { describe, expect, it } from 'vitest'
import { GraceDbConnectionError, GraceDbHttpError, GraceDbResponseError } from './errors.js'
import {
  client,
  coinc,
  countRequests,
  dir,
  gracedb,
  issuer,
  rejection,
  useStandIn,
} from './testing/http-fixture.js'

useStandIn()

describe('GraceDb over plain HTTP: retries and bad replies (against the testkit stand-in)', () => {
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
