// Validate first, then act: reserveGraceId, uploadReservedEvent and serviceInfo refuse a bad argument or option
// with a typed error naming it before any request reaches the server and before a graceid is reserved; and what
// the reference accepts as "not given" (None) stays accepted. The table runs in ../testing/rest-calls.ts.
import { InvalidOptionError } from '@gracedb-kafka/core'
import { GraceDb } from '@gracedb-kafka/rest'
import { describe, expect, it } from 'vitest'
import { type CallCase, describeRestCalls, OPTION, useRestCallFixture } from '../testing/rest-calls.js'

const fx = useRestCallFixture()

const CASES: CallCase[] = [
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
    call: (c) => c.uploadReservedEvent('G1', fx.coinc, null as never),
    error: InvalidOptionError,
    code: OPTION,
    names: '(options)',
  },
  {
    name: 'uploadReservedEvent kafkaTopic: 7',
    call: (c) => c.uploadReservedEvent('G1', fx.coinc, { kafkaTopic: 7 as never }),
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

describeRestCalls('GraceDb calls validate every argument before acting', fx, CASES)

describe('what stays accepted', () => {
  it('search: null and kafka: null mean "not given" (the reference\'s None); the HTTP path then creates the event', async () => {
    const client = new GraceDb(fx.gracedb.serviceUrl, { apiVersion: 'v2', forceNoauth: true, retries: 0 })
    try {
      const reserved = await client.reserveGraceId('Test', 'gstlal', { search: null as never })
      expect(reserved.graceid).toMatch(/^[A-Z]+\d+$/)
      const created = await client.createEvent('Test', 'gstlal', fx.coinc, {
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
