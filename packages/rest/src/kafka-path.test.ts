import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KafkaMessageDeliveryError, MessageSchemaError } from '@gracedb-kafka/core'
import { createTokenIssuer, type GraceDbStandIn, startGraceDbStandIn } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GraceDb, type KafkaEventProducer } from './client.js'
import { reservedGraceId } from './errors.js'
import { createViaKafka, type KafkaPathClient } from './kafka-path.js'
import { PACKAGE_VERSION, USER_AGENT } from './version.js'

// createEvent's Kafka path against the GraceDB stand-in (a real HTTP server), with a producer that records what
// createEvent asks of it. The real broker is exercised in create-event.int.test.ts.
let gracedb: GraceDbStandIn
let dir: string
let coinc: string
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  const issuer = await createTokenIssuer()
  gracedb = await startGraceDbStandIn({ issuer })
  dir = await mkdtemp(join(tmpdir(), 'gk-rest-kafka-path-'))
  coinc = join(dir, 'coinc.xml')
  await writeFile(coinc, '<LIGO_LW>event</LIGO_LW>')
  const token = await issuer.mint({ aud: ['localhost', gracedb.audience] })
  env = { BEARER_TOKEN_FILE: await issuer.writeTokenFile(token, join(dir, 'token')), XDG_RUNTIME_DIR: dir }
})
afterAll(async () => {
  await gracedb?.stop()
  await rm(dir, { recursive: true, force: true })
})

interface Call {
  what: 'connect' | 'produce' | 'flush'
  args: unknown[]
  reservations: number
}

/** A producer that records each call (and how many reservations the stand-in had seen at that moment). */
function recorder(opts: { remaining?: number; connectError?: Error; flushTimeout?: number } = {}) {
  const calls: Call[] = []
  const reservations = () => gracedb.requests.filter((r) => r.endpoint === 'reserve').length
  const producer: KafkaEventProducer = {
    flushTimeout: opts.flushTimeout ?? 7,
    async connect() {
      calls.push({ what: 'connect', args: [], reservations: reservations() })
      if (opts.connectError) throw opts.connectError
    },
    async produce(value, o) {
      calls.push({ what: 'produce', args: [value, o], reservations: reservations() })
      return { topic: `gracedb-test.${o?.topic}`, partition: 0, offset: 1 }
    },
    async flush(...args) {
      calls.push({ what: 'flush', args, reservations: reservations() })
      return opts.remaining ?? 0
    },
  }
  return { producer, calls }
}

const client = () => new GraceDb(gracedb.serviceUrl, { apiVersion: 'v2', env, backoffFactor: 0.01 })
const produced = (calls: Call[]) => calls.filter((c) => c.what === 'produce').map((c) => c.args)

describe('createEvent over Kafka', () => {
  it.each([
    ['Test', 'gstlal', 'test'],
    ['CBC', 'gstlal', 'gstlal'],
    ['CBC', 'MBTA', 'mbta'],
    ['Burst', 'CWB', 'cwb'],
  ])(
    'routes %s/%s to the pipeline topic "%s" (the producer prepends its instance)',
    async (group, pipeline, topic) => {
      await using c = client()
      const { producer, calls } = recorder()
      const r = await c.createEvent(group, pipeline, coinc, { kafka: producer })
      const [[message, options]] = produced(calls) as [[Record<string, unknown>, Record<string, unknown>]]
      expect(options).toEqual({ topic, key: r.graceid })
      expect(message).toMatchObject({ type: 'upload', pipeline, graceid: r.graceid })
    },
  )

  it('connects (start-up checks) before reserving a graceid, then flushes strictly within flushTimeout', async () => {
    await using c = client()
    const { producer, calls } = recorder({ flushTimeout: 7 })
    const before = gracedb.requests.filter((r) => r.endpoint === 'reserve').length
    await c.createEvent('CBC', 'gstlal', coinc, { kafka: producer })
    expect(calls.map((x) => x.what)).toEqual(['connect', 'produce', 'flush'])
    expect(calls[0]?.reservations).toBe(before)
    expect(calls[1]?.reservations).toBe(before + 1)
    expect(calls[2]?.args).toEqual([7, true])
  })

  it('a failing start-up check reserves nothing', async () => {
    await using c = client()
    const before = gracedb.requests.filter((r) => r.endpoint === 'reserve').length
    const boom = new Error('no topic for this instance')
    const { producer, calls } = recorder({ connectError: boom })
    await expect(c.createEvent('CBC', 'gstlal', coinc, { kafka: producer })).rejects.toBe(boom)
    expect(gracedb.requests.filter((r) => r.endpoint === 'reserve').length).toBe(before)
    expect(produced(calls)).toEqual([])
  })

  it('failing start-up checks with httpFallback create the event over plain HTTP; nothing reserved', async () => {
    await using c = client()
    const reserves = gracedb.requests.filter((r) => r.endpoint === 'reserve').length
    const creates = gracedb.requests.filter((r) => r.endpoint === 'create').length
    const boom = new Error('broker unreachable')
    const { producer, calls } = recorder({ connectError: boom })
    const r = await c.createEvent('CBC', 'gstlal', coinc, { kafka: producer, httpFallback: true })
    expect(r.via).toBe('http')
    expect(r.fallbackCause).toBe(boom)
    expect(gracedb.requests.filter((q) => q.endpoint === 'reserve').length).toBe(reserves)
    expect(gracedb.requests.filter((q) => q.endpoint === 'create').length).toBe(creates + 1)
    expect(produced(calls)).toEqual([])
    // gracedbUpload: false asks GraceDB not to process the event: no HTTP fallback then.
    await expect(
      c.createEvent('CBC', 'gstlal', coinc, { kafka: producer, httpFallback: true, gracedbUpload: false }),
    ).rejects.toBe(boom)
  })

  it.each([
    [undefined, null],
    [[], []],
    ['INJ', ['INJ']],
    [
      ['INJ', 'DQV'],
      ['INJ', 'DQV'],
    ],
  ])('labels %j are sent as %j', async (labels, sent) => {
    await using c = client()
    const { producer, calls } = recorder()
    await c.createEvent('CBC', 'gstlal', coinc, {
      kafka: producer,
      ...(labels === undefined ? {} : { labels }),
    })
    expect(produced(calls)[0]?.[0]).toHaveProperty('labels', sent)
  })

  it('an invalid upload message is a MessageSchemaError naming the field; nothing reserved, connected or sent', async () => {
    // Through the public API every field is checked before the message is built, so drive the Kafka path with a
    // client whose service URL is not a string (as a caller without types could hand it).
    const { producer, calls } = recorder()
    const reserved: string[] = []
    const file = { filename: 'coinc.xml', bytes: Buffer.from('<LIGO_LW/>') }
    const pathClient: KafkaPathClient = {
      serviceUrl: 42 as never,
      reserve: async (id) => {
        reserved.push(id)
        throw new Error('must not reserve')
      },
      uploadReserved: async () => {
        throw new Error('must not upload')
      },
      createViaHttp: async () => {
        throw new Error('must not fall back')
      },
    }
    const err = await createViaKafka(pathClient, producer, 'CBC', 'gstlal', file, null, {
      httpFallback: true,
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MessageSchemaError)
    expect(err).toMatchObject({ field: 'gracedb_server', code: 'ERR_KAFKA_MESSAGE_SCHEMA', schema: 'upload' })
    expect(reserved).toEqual([])
    expect(calls).toEqual([])
  })

  it('a producer whose flush returns a count (messages still queued) is a delivery error with the graceid', async () => {
    await using c = client()
    const { producer } = recorder({ remaining: 1 })
    const err = await c.createEvent('CBC', 'gstlal', coinc, { kafka: producer }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KafkaMessageDeliveryError)
    expect((err as Error).message).toMatch(
      /not delivered within flushTimeout \(7 s\); 1 message\(s\) still queued/,
    )
    expect(reservedGraceId(err)).toMatch(/^[GMTHE]\d+/)
  })
})

describe('user agent', () => {
  it("reads the package's version", async () => {
    const { version } = (await import('../package.json', { with: { type: 'json' } })).default
    expect(PACKAGE_VERSION).toBe(version)
    expect(USER_AGENT).toBe(`gracedb-kafka-rest/${version}`)
    const seen: (string | null)[] = []
    const recordingFetch: typeof fetch = (input, init) => {
      seen.push(new Headers(init?.headers).get('user-agent'))
      return fetch(input, init)
    }
    await using c = new GraceDb(gracedb.serviceUrl, { apiVersion: 'v2', env, fetch: recordingFetch })
    await c.serviceInfo()
    expect(seen).toEqual([USER_AGENT])
  })
})
