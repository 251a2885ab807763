import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import {
  createTokenIssuer,
  type GraceDbStandIn,
  startGraceDbStandIn,
  type TokenIssuer,
} from '@gracedb-kafka/testkit'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { GraceDb, type KafkaEventProducer } from './client.js'
import { GraceDbConnectionError, GraceDbHttpError } from './errors.js'

// A real minted token is sent with every request; a misbehaving server (or producer) echoes it back in its
// errors. Nothing the client renders may contain it.
let issuer: TokenIssuer
let gracedb: GraceDbStandIn
let dir: string
let coinc: string
let token: string
let env: NodeJS.ProcessEnv
const warnings: Error[] = []
const onWarning = (w: Error) => warnings.push(w)

beforeAll(async () => {
  issuer = await createTokenIssuer()
  gracedb = await startGraceDbStandIn({ issuer })
  dir = await mkdtemp(join(tmpdir(), 'gk-rest-leak-'))
  coinc = join(dir, 'coinc.xml')
  await writeFile(coinc, '<LIGO_LW/>')
  token = await issuer.mint({ aud: gracedb.audience })
  env = { BEARER_TOKEN_FILE: await issuer.writeTokenFile(token, join(dir, 'token')), XDG_RUNTIME_DIR: dir }
})
afterAll(async () => {
  await gracedb?.stop()
  await rm(dir, { recursive: true, force: true })
})
beforeEach(() => {
  gracedb.clearFaults()
  warnings.length = 0
  process.on('warning', onWarning)
})
afterEach(() => {
  process.off('warning', onWarning)
})

function client(): GraceDb {
  return new GraceDb(gracedb.serviceUrl, { apiVersion: 'v2', env, backoffFactor: 0.01, retries: 1 })
}

/** Every way an error is commonly rendered: String, stack, util.inspect (with causes), JSON. */
function renderings(value: unknown): string[] {
  const e = value as Error
  return [String(e), e.stack ?? '', inspect(e, { depth: 10 }), JSON.stringify(e) ?? '']
}

function expectNoToken(texts: string[]): void {
  const signature = token.split('.')[2] as string
  expect(signature.length).toBeGreaterThan(20)
  for (const text of texts) {
    expect(text).not.toContain(token)
    expect(text).not.toContain(signature)
  }
}

const echo = () => JSON.stringify({ detail: `Invalid token: Bearer ${token}` })

describe('no token in what the REST client renders', () => {
  it('GraceDbHttpError for a server that echoes the bearer token', async () => {
    await using c = client()
    gracedb.injectFault('create', { status: 400, body: echo() })
    const err = await c.createEvent('Test', 'gstlal', coinc).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(GraceDbHttpError)
    expect((err as GraceDbHttpError).serverMessage).toMatch(/\[REDACTED(-TOKEN)?\]/)
    expectNoToken(renderings(err))
  })

  it('GraceDbConnectionError for a connection that keeps resetting', async () => {
    await using c = client()
    await c.serviceInfo()
    gracedb.injectFault('reserve', { reset: true, times: 5 })
    const err = await c.reserveGraceId('Test', 'gstlal').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(GraceDbConnectionError)
    expectNoToken(renderings(err))
  })

  it('the fallback warnings, when the reservation reply and the producer error both carry the token', async () => {
    await using c = client()
    const leaky: KafkaEventProducer = {
      flushTimeout: 1,
      connect: async () => undefined,
      produce: () => Promise.reject(new Error(`broker refused Bearer ${token}`)),
      flush: async () => 0,
    }
    gracedb.injectFault('reserve', { status: 500, body: echo() })
    const viaCreate = await c.createEvent('CBC', 'gstlal', coinc, { kafka: leaky, httpFallback: true })
    expect(viaCreate.via).toBe('http')
    const viaUpload = await c.createEvent('CBC', 'gstlal', coinc, { kafka: leaky, httpFallback: true })
    expect(viaUpload.via).toBe('http')
    await new Promise((r) => setImmediate(r))
    const fallback = warnings.filter((w) => w.name === 'GraceDbFallbackWarning')
    expect(fallback).toHaveLength(2)
    expect(fallback.map((w) => w.message).join('\n')).toMatch(/\[REDACTED(-TOKEN)?\]/)
    expectNoToken(fallback.flatMap(renderings))
    expectNoToken(renderings(viaCreate.fallbackCause))
  })
})
