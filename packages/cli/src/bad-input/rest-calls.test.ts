// Validate first, then act: every public GraceDb call refuses a bad argument, option or event file with a typed
// error naming it before any request reaches the server, before the producer is touched, and before a graceid is
// reserved. `null` options are an InvalidOptionError on '(options)', as the producer's `produce(v, null)`.
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InvalidOptionError } from '@gracedb-kafka/core'
import { GraceDb, GraceDbFileError, parseGraceDbOptions } from '@gracedb-kafka/rest'
import { type GraceDbStandIn, startGraceDbStandIn } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { caught, claims, expectNoLeak, rawJwt } from '../testing/leaks.js'

let dir: string
let coinc: string
let gracedb: GraceDbStandIn
beforeAll(async () => {
  gracedb = await startGraceDbStandIn({ requireAuth: false })
  dir = await mkdtemp(join(tmpdir(), 'gk-rest-calls-'))
  if (spawnSync('mkfifo', [join(dir, 'fifo')]).status !== 0) throw new Error('mkfifo failed')
  await mkdir(join(dir, 'a-directory'))
  coinc = join(dir, 'coinc.xml')
  await writeFile(coinc, '<LIGO_LW/>')
})
afterAll(async () => {
  await gracedb?.stop()
  await rm(dir, { recursive: true, force: true })
})

// A token the client's environment holds, and a JWT-shaped key: neither may appear in any error.
const TOKEN = rawJwt(claims({ aud: 'gracedb.example.org' }))
const JWT_KEY = rawJwt(claims({ sub: 'as-a-key' }))
const PASSWORD = 'Pa55/w0rd-in-url'

/** A producer that records every call: a case passes only if none was made. */
function recorder() {
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
type Producer = ReturnType<typeof recorder>['producer']

interface CallCase {
  name: string
  call: (c: GraceDb, p: Producer) => Promise<unknown>
  error: typeof InvalidOptionError | typeof GraceDbFileError
  code: string
  /** `option` for InvalidOptionError, `path` for GraceDbFileError. */
  names: string | (() => string)
  says?: RegExp
}

const file = (name: string) => () => join(dir, name)
const OPTION = 'ERR_GRACEDB_KAFKA_INVALID_OPTION'
const CALLS: CallCase[] = [
  // createEvent: the Kafka producer, checked before a graceid is reserved (it used to be reserved, orphaned,
  // and followed by a raw TypeError).
  {
    name: 'createEvent kafka: {}',
    call: (c) => c.createEvent('CBC', 'gstlal', coinc, { kafka: {} as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'kafka',
    says: /expected a Kafka producer/,
  },
  {
    name: "createEvent kafka: 'yes'",
    call: (c) => c.createEvent('CBC', 'gstlal', coinc, { kafka: 'yes' as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'kafka',
  },
  {
    name: 'createEvent kafka: true',
    call: (c) => c.createEvent('CBC', 'gstlal', coinc, { kafka: true as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'kafka',
  },
  {
    name: 'createEvent kafka with a flushTimeout that is text',
    call: (c, p) => c.createEvent('CBC', 'gstlal', coinc, { kafka: { ...p, flushTimeout: 'ten' } as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'kafka',
  },
  {
    name: 'createEvent kafka without flush()',
    call: (c, p) => c.createEvent('CBC', 'gstlal', coinc, { kafka: { ...p, flush: undefined } as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'kafka',
  },
  {
    name: 'createEvent options null',
    call: (c) => c.createEvent('CBC', 'gstlal', coinc, null as never),
    error: InvalidOptionError,
    code: OPTION,
    names: '(options)',
    says: /expected an options object/,
  },
  {
    name: 'createEvent options a string',
    call: (c) => c.createEvent('CBC', 'gstlal', coinc, 'AllSky' as never),
    error: InvalidOptionError,
    code: OPTION,
    names: '(options)',
  },
  {
    name: 'createEvent a mistyped option',
    call: (c, p) => c.createEvent('CBC', 'gstlal', coinc, { kafka: p, httpFalback: true } as never),
    error: InvalidOptionError,
    code: OPTION,
    names: 'httpFalback',
    says: /did you mean "httpFallback"/,
  },
  {
    name: 'createEvent a JWT as an option key',
    call: (c, p) => c.createEvent('CBC', 'gstlal', coinc, { kafka: p, [JWT_KEY]: 1 } as never),
    error: InvalidOptionError,
    code: OPTION,
    names: '[REDACTED-TOKEN]',
  },
  {
    name: "createEvent gracedbUpload: 'no'",
    call: (c, p) => c.createEvent('CBC', 'gstlal', coinc, { kafka: p, gracedbUpload: 'no' as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'gracedbUpload',
  },
  {
    name: "createEvent httpFallback: 'yes'",
    call: (c, p) => c.createEvent('CBC', 'gstlal', coinc, { kafka: p, httpFallback: 'yes' as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'httpFallback',
  },
  {
    name: 'createEvent skipSupervisor: 1',
    call: (c, p) => c.createEvent('CBC', 'gstlal', coinc, { kafka: p, skipSupervisor: 1 as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'skipSupervisor',
  },
  {
    name: 'createEvent search: 7',
    call: (c, p) => c.createEvent('CBC', 'gstlal', coinc, { kafka: p, search: 7 as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'search',
  },
  {
    name: "createEvent signal: 'stop'",
    call: (c, p) => c.createEvent('CBC', 'gstlal', coinc, { kafka: p, signal: 'stop' as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'signal',
  },
  {
    name: 'createEvent filecontents: 42',
    call: (c, p) => c.createEvent('CBC', 'gstlal', 'x.xml', { kafka: p, filecontents: 42 as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'filecontents',
  },
  {
    name: 'createEvent pipeline: 42',
    call: (c, p) => c.createEvent('CBC', 42 as never, coinc, { kafka: p }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'pipeline',
  },
  // createEvent: the event file, checked before the server is contacted (the API root used to be fetched first).
  ...(
    [
      ['a missing file', 'missing.xml', 'ERR_GRACEDB_FILE_MISSING'],
      ['a FIFO', 'fifo', 'ERR_GRACEDB_FILE_UNREADABLE'],
      ['a directory', 'a-directory', 'ERR_GRACEDB_FILE_UNREADABLE'],
    ] as const
  ).flatMap(([what, name, code]): CallCase[] => [
    {
      name: `createEvent over Kafka, ${what}`,
      call: (c, p) => c.createEvent('CBC', 'gstlal', join(dir, name), { kafka: p }),
      error: GraceDbFileError,
      code,
      names: file(name),
    },
    {
      name: `createEvent over HTTP, ${what}`,
      call: (c) => c.createEvent('CBC', 'gstlal', join(dir, name)),
      error: GraceDbFileError,
      code,
      names: file(name),
    },
    {
      name: `uploadReservedEvent, ${what}`,
      call: (c) => c.uploadReservedEvent('G1', join(dir, name)),
      error: GraceDbFileError,
      code,
      names: file(name),
    },
  ]),
  // reserveGraceId: `group=undefined` and `pipeline=42` used to be sent.
  {
    name: 'reserveGraceId group undefined',
    call: (c) => c.reserveGraceId(undefined as never, 'gstlal'),
    error: InvalidOptionError,
    code: OPTION,
    names: 'group',
  },
  {
    name: 'reserveGraceId pipeline 42',
    call: (c) => c.reserveGraceId('CBC', 42 as never),
    error: InvalidOptionError,
    code: OPTION,
    names: 'pipeline',
  },
  {
    name: 'reserveGraceId empty group',
    call: (c) => c.reserveGraceId('', 'gstlal'),
    error: InvalidOptionError,
    code: OPTION,
    names: 'group',
  },
  {
    name: 'reserveGraceId options null',
    call: (c) => c.reserveGraceId('CBC', 'gstlal', null as never),
    error: InvalidOptionError,
    code: OPTION,
    names: '(options)',
  },
  {
    name: 'reserveGraceId search: 7',
    call: (c) => c.reserveGraceId('CBC', 'gstlal', { search: 7 as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'search',
  },
  {
    name: 'reserveGraceId a mistyped option',
    call: (c) => c.reserveGraceId('CBC', 'gstlal', { serach: 'AllSky' } as never),
    error: InvalidOptionError,
    code: OPTION,
    names: 'serach',
    says: /did you mean "search"/,
  },
  {
    name: 'reserveGraceId contentId: {}',
    call: (c) => c.reserveGraceId('CBC', 'gstlal', { contentId: {} as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'contentId',
  },
  // uploadReservedEvent and serviceInfo.
  {
    name: 'uploadReservedEvent options null',
    call: (c) => c.uploadReservedEvent('G1', coinc, null as never),
    error: InvalidOptionError,
    code: OPTION,
    names: '(options)',
  },
  {
    name: 'uploadReservedEvent kafkaTopic: 7',
    call: (c) => c.uploadReservedEvent('G1', coinc, { kafkaTopic: 7 as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'kafkaTopic',
  },
  {
    name: "serviceInfo signal: 'stop'",
    call: (c) => c.serviceInfo('stop' as never),
    error: InvalidOptionError,
    code: OPTION,
    names: 'signal',
  },
]

describe('GraceDb calls validate every argument before acting', () => {
  it.each(CALLS)('$name', async (c) => {
    const client = new GraceDb(gracedb.serviceUrl, {
      apiVersion: 'v2',
      retries: 0,
      requestTimeout: 5,
      env: { BEARER_TOKEN: TOKEN },
    })
    const { producer, calls } = recorder()
    const requestsBefore = gracedb.requests.length
    const reservedBefore = gracedb.reservations.size
    try {
      const err = await caught(() => c.call(client, producer))
      expect(err).toBeInstanceOf(c.error)
      expect((err as { code: string }).code).toBe(c.code)
      const named = typeof c.names === 'function' ? c.names() : c.names
      if (err instanceof InvalidOptionError) expect(err.option).toBe(named)
      else expect((err as GraceDbFileError).path).toBe(named)
      if (c.says) expect((err as Error).message).toMatch(c.says)
      expectNoLeak(err, [TOKEN, JWT_KEY])
      // Nothing happened: no request (not even the API root), no graceid reserved, the producer untouched.
      expect(gracedb.requests).toHaveLength(requestsBefore)
      expect(gracedb.reservations.size).toBe(reservedBefore)
      expect(calls).toEqual([])
    } finally {
      await client.close()
    }
  })
})

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

describe('what stays accepted', () => {
  it('search: null and kafka: null mean "not given" (the reference\'s None); the HTTP path then creates the event', async () => {
    const client = new GraceDb(gracedb.serviceUrl, { apiVersion: 'v2', forceNoauth: true, retries: 0 })
    try {
      const reserved = await client.reserveGraceId('Test', 'gstlal', { search: null as never })
      expect(reserved.graceid).toMatch(/^[A-Z]+\d+$/)
      const created = await client.createEvent('Test', 'gstlal', coinc, {
        kafka: null as never,
        search: null as never,
      })
      expect(created.via).toBe('http')
      expect(created.graceid).toMatch(/^[A-Z]+\d+$/)
    } finally {
      await client.close()
    }
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
    const client = new GraceDb(gracedb.serviceUrl, { forceNoauth: true, requestTimeout: 1e7 })
    try {
      await expect(client.serviceInfo()).resolves.toHaveProperty('links')
    } finally {
      await client.close()
    }
  })
})
