import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClientClosedError, KafkaTokenError } from '@gracedb-kafka/core'
import {
  createTokenIssuer,
  type GraceDbStandIn,
  startGraceDbStandIn,
  type TokenIssuer,
} from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GraceDb, type KafkaEventProducer } from './client.js'
import type { GraceDbOptionsInput } from './client-options.js'
import { GraceDbHttpError } from './errors.js'

// Which SciToken goes out, and where, against the testkit stand-in and two plain local HTTP servers.
let issuer: TokenIssuer
let gracedb: GraceDbStandIn
let dir: string
let coinc: string

beforeAll(async () => {
  issuer = await createTokenIssuer()
  gracedb = await startGraceDbStandIn({ issuer })
  dir = await mkdtemp(join(tmpdir(), 'gk-rest-tokens-'))
  coinc = join(dir, 'coinc.xml')
  await writeFile(coinc, '<LIGO_LW/>')
})
afterAll(async () => {
  await gracedb?.stop()
  await rm(dir, { recursive: true, force: true })
})

/** An environment whose only token source is `BEARER_TOKEN_FILE` holding `token` (none when omitted). */
async function envWith(name: string, token?: string): Promise<NodeJS.ProcessEnv> {
  const xdg = join(dir, name)
  await mkdir(xdg, { recursive: true })
  if (token === undefined) return { XDG_RUNTIME_DIR: xdg }
  return { XDG_RUNTIME_DIR: xdg, BEARER_TOKEN_FILE: await issuer.writeTokenFile(token, join(xdg, 'token')) }
}

function client(opts: GraceDbOptionsInput): GraceDb {
  return new GraceDb(gracedb.serviceUrl, { apiVersion: 'v2', backoffFactor: 0.01, ...opts })
}

function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection')
    },
    (err: unknown) => err,
  )
}

/** A producer that must never be reached. */
const unusedProducer: KafkaEventProducer = {
  flushTimeout: 1,
  connect: async () => undefined,
  produce: () => Promise.reject(new Error('produce must not be called')),
  flush: async () => 0,
}

describe('which SciToken the REST client sends', () => {
  it('a token for another audience (the broker’s) is never sent to GraceDB; the 401 explains why', async () => {
    const brokerToken = await issuer.mint({ aud: 'localhost', sub: 'broker-user' })
    await using c = client({ env: await envWith('wrong-aud', brokerToken) })
    const err = await rejection(c.reserveGraceId('Test', 'gstlal'))
    expect(err).toBeInstanceOf(GraceDbHttpError)
    const e = err as GraceDbHttpError
    expect(e.status).toBe(401)
    // The stand-in saw no Authorization header at all (a wrong-audience token would be "Invalid token").
    expect(e.serverMessage).toBe('Authentication credentials were not provided.')
    expect(e.message).toContain('no SciToken was sent')
    expect(e.message).toContain(`audience "${gracedb.audience}"`)
    expect(gracedb.requests.some((r) => r.sub === 'broker-user')).toBe(false)
  })

  it('tokenAudience picks the token carrying that audience instead of the default <scheme>://<host> one', async () => {
    const byDefault = await issuer.mint({ aud: gracedb.audience, sub: 'default-audience' })
    const custom = await issuer.mint({ aud: ['gracedb-custom', gracedb.audience], sub: 'custom-audience' })
    const env = { ...(await envWith('custom-aud', custom)), SCITOKEN: byDefault }

    await using plain = client({ env })
    const before = gracedb.requests.length
    await plain.reserveGraceId('Test', 'gstlal')
    expect(gracedb.requests.slice(before).map((r) => r.sub)).toContain('default-audience')

    await using chosen = client({ env, tokenAudience: 'gracedb-custom' })
    const since = gracedb.requests.length
    await chosen.reserveGraceId('Test', 'gstlal')
    const subs = gracedb.requests.slice(since).map((r) => r.sub)
    expect(subs.length).toBeGreaterThan(0)
    expect(new Set(subs)).toEqual(new Set(['custom-audience']))
  })

  it('failIfNoauth: no token → KafkaTokenError and nothing is sent', async () => {
    await using c = client({ env: await envWith('no-token'), failIfNoauth: true })
    const before = gracedb.requests.length
    const err = await rejection(c.reserveGraceId('Test', 'gstlal'))
    expect(err).toBeInstanceOf(KafkaTokenError)
    expect((err as KafkaTokenError).message).toContain('htgettoken')
    expect(gracedb.requests.length).toBe(before)
  })

  it('failIfNoauth: a token lookup failure on reservation is an auth failure, so no HTTP fallback is tried', async () => {
    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    try {
      await using c = client({ env: await envWith('no-token-kafka'), failIfNoauth: true, validate: false })
      const err = await rejection(
        c.createEvent('Test', 'gstlal', coinc, { kafka: unusedProducer, httpFallback: true }),
      )
      expect(err).toBeInstanceOf(KafkaTokenError)
      await new Promise((r) => setImmediate(r))
      expect(warnings.filter((w) => w.name === 'GraceDbFallbackWarning')).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('a closed client refuses serviceInfo()', async () => {
    const c = client({ forceNoauth: true })
    await c.close()
    const before = gracedb.requests.length
    expect(await rejection(c.serviceInfo())).toBeInstanceOf(ClientClosedError)
    expect(gracedb.requests.length).toBe(before)
  })
})

describe('the token only goes to the service URL’s origin', () => {
  const seen: { server: 'service' | 'elsewhere'; authorization: string | undefined }[] = []
  let service: Server
  let elsewhere: Server
  let serviceUrl: string

  function listen(name: 'service' | 'elsewhere', reply: (headers: IncomingHttpHeaders) => unknown): Server {
    return createServer((req, res) => {
      seen.push({ server: name, authorization: req.headers.authorization })
      req.resume()
      req.on('end', () => {
        res.writeHead(name === 'service' ? 200 : 201, { 'content-type': 'application/json' })
        res.end(JSON.stringify(reply(req.headers)))
      })
    }).listen(0, '127.0.0.1')
  }
  const port = (s: Server) => (s.address() as AddressInfo).port

  beforeAll(async () => {
    elsewhere = listen('elsewhere', () => ({ graceid: 'G1', submitter: 'x' }))
    service = listen('service', () => ({
      links: { events: `http://127.0.0.1:${port(elsewhere)}/api/events/` },
    }))
    await Promise.all([service, elsewhere].map((s) => new Promise((r) => s.once('listening', r))))
    serviceUrl = `http://127.0.0.1:${port(service)}/api/`
  })
  afterAll(async () => {
    await Promise.all([service, elsewhere].map((s) => new Promise((r) => s?.close(r))))
  })

  it('a link in the API root to another origin gets the request without Authorization', async () => {
    const token = await issuer.mint({ aud: 'http://127.0.0.1' })
    await using c = new GraceDb(serviceUrl, { env: await envWith('origin', token), validate: false })
    const r = await c.createEvent('Test', 'gstlal', coinc)
    expect(r.graceid).toBe('G1')
    expect(seen).toEqual([
      { server: 'service', authorization: `Bearer ${token}` },
      { server: 'elsewhere', authorization: undefined },
    ])
  })
})
