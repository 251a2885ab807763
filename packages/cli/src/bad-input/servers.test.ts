// Misbehaving GraceDB servers: every failure is a GraceDbError subclass with a stable code, within the request
// timeout, and a token the server echoes back never reaches the error, whatever its shape.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  GraceDb,
  GraceDbConnectionError,
  GraceDbError,
  GraceDbHttpError,
  GraceDbResponseError,
} from '@gracedb-kafka/rest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HostileServer, startHostileServer } from '../testing/hostile-server.js'
import { claims, expectNoLeak, rawJwt } from '../testing/leaks.js'

let server: HostileServer
let xdg: string
beforeAll(async () => {
  server = await startHostileServer()
  xdg = await mkdtemp(join(tmpdir(), 'gk-hostile-'))
})
afterAll(async () => {
  await server?.close()
  await rm(xdg, { recursive: true, force: true })
})

// Headers no heuristic recognises (a leading space, then JSON): only redaction by value can hide these tokens.
const HEADERS: Array<[string, string]> = [
  ['standard header (eyJ…)', '{"alg":"ES256","typ":"JWT"}'],
  ['spaced header (eyA…)', '{ "alg": "ES256", "typ": "JWT" }'],
  ['leading-space header (IHsi…)', ' {"alg":"ES256","typ":"JWT"}'],
]

type ErrorClass = abstract new (...args: never[]) => Error
const CASES: Array<[string, ErrorClass, string | RegExp]> = [
  ['truncated-length', GraceDbConnectionError, 'ERR_GRACEDB_INCOMPLETE_BODY'],
  ['truncated-chunked', GraceDbConnectionError, 'ERR_GRACEDB_INCOMPLETE_BODY'],
  ['never-ending', GraceDbConnectionError, 'ERR_GRACEDB_TIMEOUT'],
  ['no-headers', GraceDbConnectionError, 'ERR_GRACEDB_CONNECTION'],
  ['reset-at-once', GraceDbConnectionError, 'ERR_GRACEDB_CONNECTION'],
  ['corrupt-gzip', GraceDbResponseError, 'ERR_GRACEDB_BAD_ENCODING'],
  // undici hands over what a truncated gzip stream decoded to without an error: it is then not JSON.
  ['truncated-gzip', GraceDbResponseError, 'ERR_GRACEDB_NOT_JSON'],
  ['corrupt-deflate', GraceDbResponseError, 'ERR_GRACEDB_BAD_ENCODING'],
  ['corrupt-br', GraceDbResponseError, 'ERR_GRACEDB_BAD_ENCODING'],
  ['echo-401-json', GraceDbHttpError, 'ERR_GRACEDB_UNAUTHORIZED'],
  ['echo-403-html', GraceDbHttpError, 'ERR_GRACEDB_FORBIDDEN'],
  ['echo-400-fields', GraceDbHttpError, 'ERR_GRACEDB_HTTP'],
  ['echo-500-text', GraceDbHttpError, 'ERR_GRACEDB_SERVER'],
  ['echo-503-always', GraceDbHttpError, 'ERR_GRACEDB_SERVER'],
  ['echo-200-html', GraceDbResponseError, 'ERR_GRACEDB_HTML_RESPONSE'],
  ['echo-200-not-json', GraceDbResponseError, 'ERR_GRACEDB_NOT_JSON'],
  ['echo-404-gzip', GraceDbHttpError, 'ERR_GRACEDB_HTTP'],
]

describe.each(HEADERS)('a misbehaving GraceDB, token with a %s', (_h, header) => {
  it.each(CASES)('%s → %o %s', async (behaviour, errorClass, code) => {
    const serviceUrl = server.url(behaviour)
    const token = rawJwt(
      claims({ aud: 'http://127.0.0.1', scope: 'gracedb.read', jti: crypto.randomUUID() }),
      header,
    )
    const client = new GraceDb(serviceUrl, {
      env: { BEARER_TOKEN: token, XDG_RUNTIME_DIR: xdg },
      retries: 1,
      backoffFactor: 0.01,
      requestTimeout: 1,
      retryTimeout: 10,
    })
    let err: unknown
    try {
      await client.serviceInfo()
    } catch (e) {
      err = e
    } finally {
      await client.close()
    }
    expect(err).toBeInstanceOf(GraceDbError)
    expect(err).toBeInstanceOf(errorClass)
    expect((err as GraceDbError).code).toBe(code)
    expect((err as Error).message).toContain(serviceUrl)
    // The token did go out (so an echo was possible) and came back nowhere.
    if (behaviour.startsWith('echo')) expect(server.received).toContain(`Bearer ${token}`)
    expectNoLeak(err, [token])
  })
})

describe('an API root whose templates are not URLs', () => {
  it.each([
    ['reserveGraceId', (c: GraceDb) => c.reserveGraceId('Test', 'gstlal')],
    [
      'uploadReservedEvent',
      (c: GraceDb) => c.uploadReservedEvent('G1234', 'coinc.xml', { filecontents: '<x/>' }),
    ],
  ])('%s → GraceDbResponseError ERR_GRACEDB_BAD_RESPONSE', async (_name, call) => {
    const client = new GraceDb(server.url('bad-template'), {
      apiVersion: 'v2',
      forceNoauth: true,
      validate: false,
    })
    try {
      const err = await Promise.resolve(call(client)).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(GraceDbResponseError)
      expect((err as GraceDbResponseError).code).toBe('ERR_GRACEDB_BAD_RESPONSE')
    } finally {
      await client.close()
    }
  })
})

describe('a huge requestTimeout is capped, not a RangeError on the first request', () => {
  it.each([1e7, 1e12, Number.MAX_SAFE_INTEGER])('requestTimeout: %d', async (requestTimeout) => {
    const client = new GraceDb(server.url('ok-root'), { forceNoauth: true, requestTimeout })
    try {
      expect(await client.serviceInfo()).toMatchObject({ groups: ['Test'] })
    } finally {
      await client.close()
    }
  })
})
