// The GraceDb client's own options and createKafkaProducer's: each bad one is an InvalidOptionError naming it (core's
// duration rules apply), with no secret in the error.
import { InvalidOptionError } from '@gracedb-kafka/core'
import { GraceDb, parseGraceDbOptions } from '@gracedb-kafka/rest'
import { describe, expect, it } from 'vitest'
import { expectNoLeak } from '../testing/leaks.js'
import { JWT_KEY, OPTION, useRestCallFixture } from '../testing/rest-calls.js'

const fx = useRestCallFixture()
const PASSWORD = 'Pa55/w0rd-in-url'

describe('createKafkaProducer(options)', () => {
  it.each([
    ['null', null],
    ['a string', 'kafka:9092'],
    ['an array', [{ bootstrapServers: 'kafka:9092' }]],
  ])('%s: InvalidOptionError on (options), as the producer', (_name, options) => {
    const client = new GraceDb('https://gracedb-test.example.org/api/', { forceNoauth: true })
    let err: unknown
    try {
      client.createKafkaProducer(options as never)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(InvalidOptionError)
    expect((err as InvalidOptionError).code).toBe(OPTION)
    expect((err as InvalidOptionError).option).toBe('(options)')
  })
})

/** [name, serviceUrl, options, option named]: the constructor's checks, with core's duration rules. */
const CONSTRUCTOR: Array<[string, unknown, unknown, string]> = [
  ['options null', 'https://g.example.org/api/', null, '(options)'],
  ['options a string', 'https://g.example.org/api/', 'v2', '(options)'],
  ['options an array', 'https://g.example.org/api/', [{}], '(options)'],
  ['serviceUrl a number', 42, {}, 'serviceUrl'],
  ['serviceUrl an object', { href: 'https://g.example.org/api/' }, {}, 'serviceUrl'],
  ['serviceUrl with a password', `https://user:${PASSWORD}@g.example.org/api/`, {}, 'serviceUrl'],
  ['serviceUrl with a user name', 'https://user@g.example.org/api/', {}, 'serviceUrl'],
  ['an unparsable serviceUrl holding a password', `u:${PASSWORD}@[g.example.org`, {}, 'serviceUrl'],
  ['serviceUrl ftp://', 'ftp://g.example.org/api/', {}, 'serviceUrl'],
  ['requestTimeout text', 'https://g.example.org/api/', { requestTimeout: 'slow' }, 'requestTimeout'],
  ['requestTimeout NaN', 'https://g.example.org/api/', { requestTimeout: Number.NaN }, 'requestTimeout'],
  ['requestTimeout Infinity', 'https://g.example.org/api/', { requestTimeout: Infinity }, 'requestTimeout'],
  ['requestTimeout 0', 'https://g.example.org/api/', { requestTimeout: 0 }, 'requestTimeout'],
  ['requestTimeout -1', 'https://g.example.org/api/', { requestTimeout: -1 }, 'requestTimeout'],
  ['retryTimeout -1', 'https://g.example.org/api/', { retryTimeout: -1 }, 'retryTimeout'],
  ['retryTimeout Infinity', 'https://g.example.org/api/', { retryTimeout: Infinity }, 'retryTimeout'],
  ['reloadBuffer NaN', 'https://g.example.org/api/', { reloadBuffer: Number.NaN }, 'reloadBuffer'],
  ['backoffFactor -0.1', 'https://g.example.org/api/', { backoffFactor: -0.1 }, 'backoffFactor'],
  ['retries 1.5', 'https://g.example.org/api/', { retries: 1.5 }, 'retries'],
  ['retryCodes text', 'https://g.example.org/api/', { retryCodes: '503' }, 'retryCodes'],
  ['validate "no"', 'https://g.example.org/api/', { validate: 'no' }, 'validate'],
  ['a mistyped key', 'https://g.example.org/api/', { requestTimeOut: 5 }, 'requestTimeOut'],
  ['a snake_case key', 'https://g.example.org/api/', { request_timeout: 5 }, 'request_timeout'],
  ['a JWT as a key', 'https://g.example.org/api/', { [JWT_KEY]: 1 }, '[REDACTED-TOKEN]'],
]

describe('new GraceDb(serviceUrl, options)', () => {
  it.each(CONSTRUCTOR)('%s', (_name, url, options, option) => {
    let err: unknown
    try {
      new GraceDb(url as string, options as never)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(InvalidOptionError)
    expect((err as InvalidOptionError).code).toBe(OPTION)
    expect((err as InvalidOptionError).option).toBe(option)
    expectNoLeak(err, [JWT_KEY, PASSWORD])
  })

  it('a mistyped key gets a "did you mean"', () => {
    expect(() => parseGraceDbOptions({ requestTimeOut: 5 } as never)).toThrow(/did you mean "requestTimeout"/)
    expect(() => parseGraceDbOptions({ request_timeout: 5 } as never)).toThrow(
      /did you mean "requestTimeout"/,
    )
  })

  it('a very long timeout is capped at the longest Node timer, and the client still works', async () => {
    const o = parseGraceDbOptions({ requestTimeout: 1e7, retryTimeout: 1e12, backoffFactor: 1e9 })
    expect(o.requestTimeout).toBe(2147483.647)
    expect(o.retryTimeout).toBe(2147483.647)
    expect(o.backoffFactor).toBe(2147483.647)
    const client = new GraceDb(fx.gracedb.serviceUrl, { forceNoauth: true, requestTimeout: 1e7 })
    try {
      await expect(client.serviceInfo()).resolves.toHaveProperty('links')
    } finally {
      await client.close()
    }
  })
})
