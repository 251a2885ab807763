// Fuzzing (fast-check): the GraceDb client validates first, then acts. For any constructor options the
// constructor accepts or throws InvalidOptionError; for any arguments, `reserveGraceId` and `createEvent` either
// reject with a documented error before a single request (the `fetch` the client is given records every call), or
// send only well-formed values. No registered secret is ever echoed.
import { InvalidOptionError, registerSecret } from '@gracedb-kafka/core'
import { GraceDb, GraceDbConnectionError, GraceDbFileError } from '@gracedb-kafka/rest'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { leaksIn } from '../testing/leaks.js'

const SECRET = 'fuzz-Rest-Pa55word'
registerSecret(SECRET)

const OPTION_KEYS = [
  'apiVersion',
  'forceNoauth',
  'failIfNoauth',
  'tokenScope',
  'requestTimeout',
  'retryTimeout',
  'retries',
  'backoffFactor',
  'reloadBuffer',
  'validate',
  'requestTimeOut',
  SECRET,
]
const CALL_KEYS = [
  'search',
  'labels',
  'offline',
  'kafka',
  'httpFallback',
  'signal',
  'replayId',
  'serach',
  SECRET,
]

const value = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -1, 1e7, 1e12, Infinity, Number.NaN, 60),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('CBC', 'gstlal', 'AllSky', '', 'v2', SECRET),
  fc.constant({}),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
)
const optionsOf = (keys: string[]) =>
  fc.oneof(fc.constant(null), value, fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 4 }))

function expectNoSecret(err: unknown): void {
  expect(leaksIn(err, [SECRET])).toEqual([])
}

describe('GraceDb fuzzing', () => {
  it('the constructor accepts or throws InvalidOptionError (10,000 runs)', () => {
    fc.assert(
      fc.property(optionsOf(OPTION_KEYS), (options) => {
        try {
          new GraceDb('https://gracedb-test.example.org/api/', options as never)
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidOptionError)
          expectNoSecret(err)
        }
      }),
      { numRuns: 10_000 },
    )
  })

  it('reserveGraceId and createEvent: refused before any request, or only strings sent (10,000 runs)', async () => {
    let requests = 0
    // Every request fails at once: a call that got past its checks ends in GraceDbConnectionError.
    const fetch = (async () => {
      requests++
      throw new TypeError('fetch failed')
    }) as typeof globalThis.fetch
    const client = new GraceDb('https://gracedb-test.example.org/api/', {
      apiVersion: 'v2',
      forceNoauth: true,
      retries: 0,
      fetch,
    })
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.boolean(),
          value,
          value,
          optionsOf(CALL_KEYS),
          async (create, group, pipeline, opts) => {
            requests = 0
            const call = create
              ? client.createEvent(group as never, pipeline as never, 'coinc.xml', {
                  ...(opts !== null && typeof opts === 'object' && !Array.isArray(opts) ? opts : {}),
                  filecontents: '<LIGO_LW/>',
                })
              : client.reserveGraceId(group as never, pipeline as never, opts as never)
            const err = await call.then(
              () => new Error('a call without a server succeeded'),
              (e: unknown) => e,
            )
            expectNoSecret(err)
            if (err instanceof InvalidOptionError || err instanceof GraceDbFileError) {
              expect(requests).toBe(0)
              return
            }
            expect(err).toBeInstanceOf(GraceDbConnectionError)
            // It got as far as a request: its arguments were valid.
            expect(typeof group === 'string' && group !== '').toBe(true)
            expect(typeof pipeline === 'string' && pipeline !== '').toBe(true)
          },
        ),
        { numRuns: 10_000 },
      )
    } finally {
      await client.close()
    }
  })
})
