// The validate-first table of the GraceDb calls: a stand-in and a directory of bad event files for the cases, a
// producer that records every call, and the check that a case failed with its typed error and left no trace.
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InvalidOptionError } from '@gracedb-kafka/core'
import { GraceDb, type GraceDbFileError } from '@gracedb-kafka/rest'
import { type GraceDbStandIn, startGraceDbStandIn } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { caught, claims, expectNoLeak, rawJwt } from './leaks.js'

/** The code of every InvalidOptionError. */
export const OPTION: string = 'ERR_GRACEDB_KAFKA_INVALID_OPTION'
/** A token the client's environment holds: it may appear in no error. */
export const TOKEN: string = rawJwt(claims({ aud: 'gracedb.example.org' }))
/** A JWT-shaped option key: it may appear in no error. */
export const JWT_KEY: string = rawJwt(claims({ sub: 'as-a-key' }))

/** The recording producer: the methods createEvent calls on a Kafka producer. */
export interface Producer {
  flushTimeout: number
  connect(): Promise<void>
  produce(): Promise<{ topic: string; partition: number; offset: number }>
  flush(): Promise<number>
}

/** A producer that records every call: a case passes only if none was made. */
export function recorder(): { calls: string[]; producer: Producer } {
  const calls: string[] = []
  return {
    calls,
    producer: {
      flushTimeout: 5,
      connect: async () => void calls.push('connect'),
      produce: async () => {
        calls.push('produce')
        return { topic: 't', partition: 0, offset: 0 }
      },
      flush: async () => {
        calls.push('flush')
        return 0
      },
    },
  }
}

/** One call with a bad argument, and the error it must fail with. */
export interface CallCase {
  name: string
  call: (c: GraceDb, p: Producer) => Promise<unknown>
  error: typeof InvalidOptionError | typeof GraceDbFileError
  code: string
  /** `option` for InvalidOptionError, `path` for GraceDbFileError. */
  names: string | (() => string)
  says?: RegExp
}

/** What the cases run against; read its fields inside tests (they are set in `beforeAll`). */
export interface RestCallFixture {
  /** A directory holding `fifo` (a FIFO), `a-directory` and `coinc.xml`. */
  readonly dir: string
  /** A valid event file. */
  readonly coinc: string
  /** A GraceDB stand-in without authentication. */
  readonly gracedb: GraceDbStandIn
}

/**
 * Register `beforeAll`/`afterAll` hooks that start a stand-in and write the event files; returns their paths.
 *
 * @example
 * ```ts
 * const fx = useRestCallFixture()
 * it('…', () => new GraceDb(fx.gracedb.serviceUrl).createEvent('CBC', 'gstlal', fx.coinc))
 * ```
 */
export function useRestCallFixture(): RestCallFixture {
  const fx = {} as { dir: string; coinc: string; gracedb: GraceDbStandIn }
  beforeAll(async () => {
    fx.gracedb = await startGraceDbStandIn({ requireAuth: false })
    fx.dir = await mkdtemp(join(tmpdir(), 'gk-rest-calls-'))
    if (spawnSync('mkfifo', [join(fx.dir, 'fifo')]).status !== 0) throw new Error('mkfifo failed')
    await mkdir(join(fx.dir, 'a-directory'))
    fx.coinc = join(fx.dir, 'coinc.xml')
    await writeFile(fx.coinc, '<LIGO_LW/>')
  })
  afterAll(async () => {
    await fx.gracedb?.stop()
    if (fx.dir) await rm(fx.dir, { recursive: true, force: true })
  })
  return fx
}

/**
 * Register the cases: each call must fail with its error and code, name the culprit, show no secret, and leave
 * no trace (no request, not even the API root; no graceid reserved; the producer untouched).
 *
 * @example
 * ```ts
 * describeRestCalls('serviceInfo', fx, [{ name: 'signal', call: (c) => c.serviceInfo('x' as never),
 *   error: InvalidOptionError, code: OPTION, names: 'signal' }])
 * ```
 */
export function describeRestCalls(title: string, fx: RestCallFixture, cases: CallCase[]): void {
  describe(title, () => {
    it.each(cases)('$name', async (c) => {
      const client = new GraceDb(fx.gracedb.serviceUrl, {
        apiVersion: 'v2',
        retries: 0,
        requestTimeout: 5,
        env: { BEARER_TOKEN: TOKEN },
      })
      const { producer, calls } = recorder()
      const requestsBefore = fx.gracedb.requests.length
      const reservedBefore = fx.gracedb.reservations.size
      try {
        const err = await caught(() => c.call(client, producer))
        expect(err).toBeInstanceOf(c.error)
        expect((err as { code: string }).code).toBe(c.code)
        const named = typeof c.names === 'function' ? c.names() : c.names
        if (err instanceof InvalidOptionError) expect(err.option).toBe(named)
        else expect((err as GraceDbFileError).path).toBe(named)
        if (c.says) expect((err as Error).message).toMatch(c.says)
        expectNoLeak(err, [TOKEN, JWT_KEY])
        expect(fx.gracedb.requests).toHaveLength(requestsBefore)
        expect(fx.gracedb.reservations.size).toBe(reservedBefore)
        expect(calls).toEqual([])
      } finally {
        await client.close()
      }
    })
  })
}
