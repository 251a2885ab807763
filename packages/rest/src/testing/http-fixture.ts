// The set-up of the plain-HTTP client tests (client-http*.test.ts): the testkit GraceDB stand-in, a real HTTP
// server (no Kafka is needed for these paths), a token issuer it trusts, a token file and an event file.
// `useStandIn()` registers the hooks in the calling test file and fills in the bindings below.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createTokenIssuer,
  type GraceDbStandIn,
  startGraceDbStandIn,
  type TokenIssuer,
} from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { GraceDb } from '../client.js'
import type { GraceDbOptionsInput } from '../client-options.js'

export let issuer: TokenIssuer
export let gracedb: GraceDbStandIn
/** A scratch directory, removed after the test file. */
export let dir: string
/** The environment a client finds its token in (BEARER_TOKEN_FILE, XDG_RUNTIME_DIR). */
export let tokenEnv: NodeJS.ProcessEnv
/** The path of an event file holding {@link coincBytes}. */
export let coinc: string
/** An event file's contents: XML with a non-ASCII byte, a NUL and a byte that is not UTF-8. */
export const coincBytes: Buffer = Buffer.from(
  '<?xml version="1.0"?><LIGO_LW>\u00e9\u0000binary\u00ff</LIGO_LW>',
  'latin1',
)

/** Start the stand-in and write the files for the calling test file; faults are cleared before each test. */
export function useStandIn(): void {
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
}

/** A client of the stand-in with the token of {@link tokenEnv} and fast retries. */
export function client(opts: GraceDbOptionsInput = {}): GraceDb {
  return new GraceDb(gracedb.serviceUrl, { apiVersion: 'v2', env: tokenEnv, backoffFactor: 0.01, ...opts })
}

/** How many requests to `endpoint` the stand-in saw since request number `since`. */
export function countRequests(endpoint: string, since: number): number {
  return gracedb.requests.slice(since).filter((r) => r.endpoint === endpoint).length
}

/** What `p` rejects with (fails when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection')
    },
    (err: unknown) => err,
  )
}
