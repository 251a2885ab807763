import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KafkaAuthenticationError, KafkaConnectionError } from '@gracedb-kafka/core'
import { type GraceDbStandIn, type SupervisedMessage, startGraceDbStandIn } from '@gracedb-kafka/testkit'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GraceDb } from './client.js'
import { GraceDbHttpError, reservedGraceId } from './errors.js'

// The whole path on the real testkit broker: createEvent → reservation over HTTP → Kafka (SASL_SSL,
// OAUTHBEARER) → the stand-in's supervisor → the stand-in holds the event.
let kafka: SharedKafka
let gracedb: GraceDbStandIn
let client: GraceDb
let producer: ReturnType<GraceDb['createKafkaProducer']>
let dir: string
const savedTokenFile = process.env.BEARER_TOKEN_FILE

beforeAll(async () => {
  kafka = await sharedKafka()
  gracedb = await startGraceDbStandIn({ kafka })
  dir = await mkdtemp(join(tmpdir(), 'gk-rest-int-'))
  // One token for both audiences: the broker's ("localhost") and GraceDB's ("http://localhost").
  const token = await kafka.issuer.mint({ aud: ['localhost', gracedb.audience] })
  process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(token, join(dir, 'token'))
  client = new GraceDb(gracedb.serviceUrl, { apiVersion: 'v2' })
  producer = client.createKafkaProducer({
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
  })
})

afterAll(async () => {
  await producer?.close()
  await client?.close()
  await gracedb?.stop()
  if (savedTokenFile === undefined) delete process.env.BEARER_TOKEN_FILE
  else process.env.BEARER_TOKEN_FILE = savedTokenFile
  await rm(dir, { recursive: true, force: true })
})

async function eventFile(): Promise<{ path: string; bytes: Buffer }> {
  const bytes = Buffer.concat([Buffer.from('<LIGO_LW>'), randomBytes(2048), Buffer.from('</LIGO_LW>')])
  const path = join(dir, `coinc-${randomBytes(4).toString('hex')}.xml`)
  await writeFile(path, bytes)
  return { path, bytes }
}

/** The first message the stand-in's supervisor handled that matches, waiting for it (bounded). */
async function supervised(
  match: (m: SupervisedMessage) => boolean,
  timeoutMs = 20_000,
): Promise<SupervisedMessage> {
  await expect.poll(() => gracedb.supervised.some(match), { timeout: timeoutMs, interval: 100 }).toBe(true)
  return gracedb.supervised.find(match) as SupervisedMessage
}

const fileNamed = (path: string) => (m: SupervisedMessage) =>
  (m.value as { eventFile?: [string, string] } | null)?.eventFile?.[0] === path

describe('createEvent over Kafka (real broker, stand-in supervisor)', () => {
  it('reserve → produce → supervisor: the stand-in holds the same graceid and a byte-identical file', async () => {
    const { path, bytes } = await eventFile()
    const r = await client.createEvent('CBC', 'gstlal', path, {
      search: 'AllSky',
      labels: ['INJ'],
      kafka: producer,
    })
    expect(r.via).toBe('kafka')
    const graceid = r.json().graceid as string
    expect(graceid).toMatch(/^G\d+$/)
    expect(r.json().submitter).toBe('testuser')
    expect(r.status).toBe(201)
    expect(r.delivery?.topic).toBe('localhost.gstlal')

    const stored = await gracedb.waitForEvent(graceid, 20_000)
    expect(stored).toMatchObject({
      graceid,
      group: 'CBC',
      pipeline: 'gstlal',
      search: 'AllSky',
      labels: ['INJ'],
      via: 'kafka',
      reserved: true,
      kafkaTopic: 'localhost.gstlal',
    })
    expect(Buffer.from(stored.contents).equals(bytes)).toBe(true)

    const msg = await supervised((m) => m.graceid === graceid)
    expect(msg.outcome).toBe('uploaded')
    expect(Object.keys(msg.value as object).sort()).toEqual(
      [
        '_producer_timestamp',
        'eventFile',
        'gracedb_server',
        'gracedb_upload',
        'graceid',
        'labels',
        'pipeline',
        'skip_supervisor',
        'submitter',
        'type',
      ].sort(),
    )
    expect(msg.value).toMatchObject({
      type: 'upload',
      gracedb_server: gracedb.serviceUrl,
      graceid,
      submitter: 'testuser',
      pipeline: 'gstlal',
      gracedb_upload: true,
      skip_supervisor: false,
      labels: ['INJ'],
      eventFile: [path, bytes.toString('base64')],
    })
  })

  it('the Test group is routed to <instance>.test', async () => {
    const { path } = await eventFile()
    const r = await client.createEvent('Test', 'MBTA', path, { kafka: producer })
    expect(r.delivery?.topic).toBe('localhost.test')
    const stored = await gracedb.waitForEvent(r.graceid as string, 20_000)
    expect(stored.kafkaTopic).toBe('localhost.test')
  })

  it('a producer with a default topic still publishes createEvent to the routed topic (as the reference)', async () => {
    await using fixed = client.createKafkaProducer({
      bootstrapServers: kafka.bootstrapServers,
      caCertPath: kafka.caCertPath,
      topic: 'test',
    })
    const { path } = await eventFile()
    const r = await client.createEvent('CBC', 'gstlal', path, { kafka: fixed })
    expect(r.delivery?.topic).toBe('localhost.gstlal')
    expect((await gracedb.waitForEvent(r.graceid as string, 20_000)).kafkaTopic).toBe('localhost.gstlal')
  })

  it('gracedbUpload: false publishes without reserving; nothing is stored', async () => {
    const { path } = await eventFile()
    const reservesBefore = gracedb.requests.filter((q) => q.endpoint === 'reserve').length
    const r = await client.createEvent('CBC', 'gstlal', path, { kafka: producer, gracedbUpload: false })
    expect(r.graceid).toBeNull()
    expect(r.json()).toEqual({ graceid: null, submitter: null })
    expect(r.via).toBe('kafka')
    const msg = await supervised(fileNamed(path))
    expect(msg.outcome).toBe('gracedb_upload_false')
    expect(msg.value).toMatchObject({ graceid: null, submitter: null, gracedb_upload: false })
    expect(gracedb.requests.filter((q) => q.endpoint === 'reserve').length).toBe(reservesBefore)
  })

  it('skipSupervisor: the message carries the flag and the supervisor leaves the reservation open', async () => {
    const { path } = await eventFile()
    const r = await client.createEvent('CBC', 'gstlal', path, { kafka: producer, skipSupervisor: true })
    const graceid = r.graceid as string
    const msg = await supervised((m) => m.graceid === graceid)
    expect(msg.outcome).toBe('skip_supervisor')
    expect(msg.value).toMatchObject({ skip_supervisor: true, graceid })
    expect(gracedb.reservations.has(graceid)).toBe(true)
    expect(gracedb.events.some((e) => e.graceid === graceid)).toBe(false)
  })
})

describe('createEvent fallbacks and failures', () => {
  it('reservation fails + httpFallback → the event is created over plain HTTP, nothing is produced', async () => {
    const { path, bytes } = await eventFile()
    gracedb.injectFault('reserve', { status: 500 })
    const r = await client.createEvent('CBC', 'gstlal', path, { kafka: producer, httpFallback: true })
    expect(r.via).toBe('http')
    expect(r.fallbackCause).toBeInstanceOf(GraceDbHttpError)
    const stored = await gracedb.waitForEvent(r.graceid as string, 1000)
    expect(stored).toMatchObject({ via: 'http', reserved: false })
    expect(Buffer.from(stored.contents).equals(bytes)).toBe(true)
    // A marker event sent over Kafka afterwards on the same topic reaches the supervisor; the fallen-back
    // event's file never did.
    const marker = await eventFile()
    await client.createEvent('CBC', 'gstlal', marker.path, { kafka: producer })
    await supervised(fileNamed(marker.path))
    expect(gracedb.supervised.some(fileNamed(path))).toBe(false)
  })

  it('reservation fails without httpFallback → the typed error propagates', async () => {
    const { path } = await eventFile()
    gracedb.injectFault('reserve', { status: 500 })
    const err = await client.createEvent('CBC', 'gstlal', path, { kafka: producer }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(GraceDbHttpError)
    expect((err as GraceDbHttpError).status).toBe(500)
  })

  it('a 401 on reservation is never papered over by the fallback', async () => {
    const { path } = await eventFile()
    const createsBefore = gracedb.requests.filter((q) => q.endpoint === 'create').length
    gracedb.injectFault('reserve', { status: 401, body: '{"detail":"Invalid token."}' })
    const err = await client
      .createEvent('CBC', 'gstlal', path, { kafka: producer, httpFallback: true })
      .catch((e: unknown) => e)
    expect((err as GraceDbHttpError).code).toBe('ERR_GRACEDB_UNAUTHORIZED')
    expect((err as GraceDbHttpError).serverMessage).toBe('Invalid token.')
    expect(gracedb.requests.filter((q) => q.endpoint === 'create').length).toBe(createsBefore)
  })

  it('the broker rejects the producer’s token → KafkaAuthenticationError from the start-up checks; nothing reserved', async () => {
    const { path } = await eventFile()
    const goodTokenFile = process.env.BEARER_TOKEN_FILE
    const { createTokenIssuer } = await import('@gracedb-kafka/testkit')
    const stranger = await createTokenIssuer({ issuer: kafka.issuer.issuer })
    const forged = await stranger.mint({ aud: ['localhost', gracedb.audience] })
    process.env.BEARER_TOKEN_FILE = await stranger.writeTokenFile(forged, join(dir, 'forged'))
    try {
      // The client's token is already cached; the new producer discovers the forged one when it connects.
      await using rejected = client.createKafkaProducer({
        bootstrapServers: kafka.bootstrapServers,
        caCertPath: kafka.caCertPath,
        flushTimeout: 5,
      })
      const reservesBefore = gracedb.requests.filter((q) => q.endpoint === 'reserve').length
      const err = await client
        .createEvent('CBC', 'gstlal', path, { kafka: rejected })
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(KafkaAuthenticationError)
      expect(reservedGraceId(err)).toBeUndefined()
      expect(gracedb.requests.filter((q) => q.endpoint === 'reserve').length).toBe(reservesBefore)
    } finally {
      process.env.BEARER_TOKEN_FILE = goodTokenFile
    }
  })

  describe('broker unreachable: the start-up checks fail before anything is reserved', () => {
    let dead: ReturnType<GraceDb['createKafkaProducer']>
    beforeAll(() => {
      dead = client.createKafkaProducer({
        bootstrapServers: 'localhost:1',
        caCertPath: kafka.caCertPath,
        flushTimeout: 3,
      })
    })
    afterAll(() => dead?.close(1))

    it('with httpFallback → the event is created over plain HTTP; no graceid reserved', async () => {
      const { path, bytes } = await eventFile()
      const reservesBefore = gracedb.requests.filter((q) => q.endpoint === 'reserve').length
      const r = await client.createEvent('CBC', 'gstlal', path, {
        kafka: dead,
        httpFallback: true,
        labels: 'DQV',
      })
      expect(r.via).toBe('http')
      expect(r.fallbackCause).toBeInstanceOf(KafkaConnectionError)
      const stored = await gracedb.waitForEvent(r.graceid as string, 1000)
      expect(stored).toMatchObject({ via: 'http', reserved: false, labels: ['DQV'] })
      expect(Buffer.from(stored.contents).equals(bytes)).toBe(true)
      expect(gracedb.requests.filter((q) => q.endpoint === 'reserve').length).toBe(reservesBefore)
    })

    it('without httpFallback → KafkaConnectionError, and no graceid reserved', async () => {
      const { path } = await eventFile()
      const reservesBefore = gracedb.requests.filter((q) => q.endpoint === 'reserve').length
      const err = await client.createEvent('CBC', 'gstlal', path, { kafka: dead }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(KafkaConnectionError)
      expect(reservedGraceId(err)).toBeUndefined()
      expect(gracedb.requests.filter((q) => q.endpoint === 'reserve').length).toBe(reservesBefore)
    })
  })
})
