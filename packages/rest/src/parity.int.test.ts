import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KafkaMessageDeliveryError, KafkaTopicError, MessageSchemaError } from '@gracedb-kafka/core'
import {
  type GraceDbStandIn,
  type KafkaTestCluster,
  type SupervisedMessage,
  startGraceDbStandIn,
  startKafka,
  withAdmin,
} from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FALLBACK_KAFKA_SERVER, GraceDb } from './client.js'
import { reservedGraceId } from './errors.js'
import { createViaKafka } from './kafka-path.js'

// ligo-gracedb 2.16.1's createEvent behaviour on a broker configured as GraceDB's: topic auto-creation off, the
// instance's topics created explicitly (the stand-in's supervisor creates the ones for its pipelines).
let kafka: KafkaTestCluster
let gracedb: GraceDbStandIn
/** A second GraceDB that knows a pipeline whose topic was never created. */
let noTopics: GraceDbStandIn
let client: GraceDb
let dir: string
const savedTokenFile = process.env.BEARER_TOKEN_FILE

beforeAll(async () => {
  kafka = await startKafka({ autoCreateTopics: false, log: () => {} })
  gracedb = await startGraceDbStandIn({ kafka })
  noTopics = await startGraceDbStandIn({ issuer: kafka.issuer, pipelines: ['gstlal', 'NoTopicPipe'] })
  dir = await mkdtemp(join(tmpdir(), 'gk-rest-parity-'))
  const token = await kafka.issuer.mint({ aud: ['localhost', gracedb.audience, noTopics.audience] })
  process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(token, join(dir, 'token'))
  client = new GraceDb(gracedb.serviceUrl, { apiVersion: 'v2' })
})

afterAll(async () => {
  await client?.close()
  await noTopics?.stop()
  await gracedb?.stop()
  await kafka?.stop()
  if (savedTokenFile === undefined) delete process.env.BEARER_TOKEN_FILE
  else process.env.BEARER_TOKEN_FILE = savedTokenFile
  await rm(dir, { recursive: true, force: true })
})

async function eventFile(): Promise<string> {
  const path = join(dir, `coinc-${randomBytes(4).toString('hex')}.xml`)
  await writeFile(
    path,
    Buffer.concat([Buffer.from('<LIGO_LW>'), randomBytes(512), Buffer.from('</LIGO_LW>')]),
  )
  return path
}

async function supervised(match: (m: SupervisedMessage) => boolean): Promise<SupervisedMessage> {
  await expect.poll(() => gracedb.supervised.some(match), { timeout: 20_000, interval: 100 }).toBe(true)
  return gracedb.supervised.find(match) as SupervisedMessage
}

/** Sum of the high watermarks of `topic` (how many messages it ever received). */
async function messagesIn(topic: string): Promise<number> {
  const offsets = await withAdmin(kafka.plaintextBootstrapServers.split(','), (admin) =>
    admin.fetchTopicOffsets(topic),
  )
  return offsets.reduce((n, p) => n + Number(p.high), 0)
}

// A message for a missing topic waits for it until delivery.timeout.ms (as librdkafka's does), and `await using`
// closes with close(30), which waits for it: the missing-topic tests use a short delivery timeout.
const producerFor = (c: GraceDb, flushTimeout = 10, deliveryTimeoutMs?: number) =>
  c.createKafkaProducer({
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    flushTimeout,
    ...(deliveryTimeoutMs === undefined ? {} : { kafkaConfig: { 'delivery.timeout.ms': deliveryTimeoutMs } }),
  })

describe('createEvent as the reference (auto-creation off)', () => {
  it('createKafkaProducer defaults topic to "test"; createEvent still routes a CBC event to <instance>.<pipeline>', async () => {
    await using producer = producerFor(client)
    const path = await eventFile()
    const r = await client.createEvent('CBC', 'gstlal', path, { kafka: producer })
    expect(r.delivery?.topic).toBe('localhost.gstlal')
    expect((await gracedb.waitForEvent(r.graceid as string, 20_000)).kafkaTopic).toBe('localhost.gstlal')
    // The default topic is the instance's test topic: a plain produce() without a topic goes there.
    const report = await producer.produce({ hello: 'world' })
    expect(report.topic).toBe('localhost.test')
  })

  it('the Test group goes to <instance>.test and a pipeline is lowercased', async () => {
    await using producer = producerFor(client)
    const test = await client.createEvent('Test', 'gstlal', await eventFile(), { kafka: producer })
    expect(test.delivery?.topic).toBe('localhost.test')
    const mbta = await client.createEvent('CBC', 'MBTA', await eventFile(), { kafka: producer })
    expect(mbta.delivery?.topic).toBe('localhost.mbta')
  })

  it('labels: [] is sent as [] and no labels as null, as the reference does', async () => {
    await using producer = producerFor(client)
    const empty = await client.createEvent('CBC', 'gstlal', await eventFile(), {
      kafka: producer,
      labels: [],
    })
    const none = await client.createEvent('CBC', 'gstlal', await eventFile(), { kafka: producer })
    const a = await supervised((m) => m.graceid === empty.graceid)
    const b = await supervised((m) => m.graceid === none.graceid)
    expect((a.value as { labels: unknown }).labels).toEqual([])
    expect((b.value as { labels: unknown }).labels).toBeNull()
  })

  it('an upload message that fails the schema is refused with the field named; nothing reaches the topic', async () => {
    await using producer = producerFor(client)
    const before = await messagesIn('localhost.gstlal')
    const reserves = gracedb.requests.filter((q) => q.endpoint === 'reserve').length
    const pathClient = {
      serviceUrl: ['not', 'a', 'string'] as never,
      reserve: () => client.reserveGraceId('CBC', 'gstlal'),
      uploadReserved: () => Promise.reject(new Error('no fallback expected')),
      createViaHttp: () => Promise.reject(new Error('no fallback expected')),
    }
    const file = { filename: 'coinc.xml', bytes: Buffer.from('<LIGO_LW/>') }
    const err = await createViaKafka(pathClient, producer, 'CBC', 'gstlal', file, null, {}).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(MessageSchemaError)
    expect((err as MessageSchemaError).field).toBe('gracedb_server')
    expect(gracedb.requests.filter((q) => q.endpoint === 'reserve').length).toBe(reserves)
    await producer.flush(5)
    expect(await messagesIn('localhost.gstlal')).toBe(before)
  })
})

describe('strict flush in createEvent: a pipeline whose topic does not exist', () => {
  let other: GraceDb
  beforeAll(() => {
    other = new GraceDb(noTopics.serviceUrl, { apiVersion: 'v2' })
  })
  afterAll(() => other?.close())

  it('fails within the flush timeout with a delivery error carrying the reserved graceid', async () => {
    await using producer = producerFor(other, 5, 7_000)
    const err = await other
      .createEvent('CBC', 'NoTopicPipe', await eventFile(), { kafka: producer })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KafkaMessageDeliveryError)
    expect(noTopics.reservations.has(reservedGraceId(err) as string)).toBe(true)
  })

  it('with httpFallback, the reserved graceid is completed over HTTP (uploadReservedEvent); no second graceid', async () => {
    await using producer = producerFor(other, 5, 7_000)
    const reserves = noTopics.requests.filter((q) => q.endpoint === 'reserve').length
    const creates = noTopics.requests.filter((q) => q.endpoint === 'create').length
    const r = await other.createEvent('CBC', 'NoTopicPipe', await eventFile(), {
      kafka: producer,
      httpFallback: true,
      labels: [],
    })
    expect(r.via).toBe('http')
    expect(r.fallbackCause).toBeInstanceOf(KafkaMessageDeliveryError)
    const stored = await noTopics.waitForEvent(r.graceid as string, 5000)
    expect(stored).toMatchObject({ via: 'http', reserved: true, kafkaServer: FALLBACK_KAFKA_SERVER })
    expect(noTopics.requests.filter((q) => q.endpoint === 'reserve').length).toBe(reserves + 1)
    expect(noTopics.requests.filter((q) => q.endpoint === 'create').length).toBe(creates)
  })

  // Passes once the producer's strict flush (flush(timeout, true)) traces a stalled delivery to the topic, as
  // the reference's does; until then createEvent's own check reports a plain KafkaMessageDeliveryError.
  it('the error is a KafkaTopicError naming the topic, not a token problem', async () => {
    await using producer = producerFor(other, 5, 7_000)
    const err = await other
      .createEvent('CBC', 'NoTopicPipe', await eventFile(), { kafka: producer })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KafkaTopicError)
    expect((err as Error).message).toMatch(/notopicpipe/)
  })
})
