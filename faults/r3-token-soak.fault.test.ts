// R3: a 5-minute token soak. Tokens live 30 s and are rotated on disk every 15 s; the broker forces
// re-authentication every 10 s; traffic stops for 45 s (longer than a token's life) in the middle. A producer
// and a consumer run throughout: 0 errors, 0 lost, and the broker refused no (re-)authentication.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { type KafkaTestCluster, type Rotation, startKafka } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { consumeInBackground } from './lib/consume.js'
import { memory, secondsSince } from './lib/env.js'
import { deliveryFigures, report } from './lib/figures.js'
import { firstFailures, produceSteadily } from './lib/produce.js'
import { readTopic } from './lib/read-back.js'

const TOKEN_LIFE_S = 30
const ROTATE_EVERY_S = 15
const REAUTH_MS = 10_000
const PHASE_MS = 130_000
const IDLE_MS = 45_000
const RATE = 40
const SASL_SERVER = 'org.apache.kafka.common.security.authenticator.SaslServerAuthenticator'

let kafka: KafkaTestCluster
let dir: string
let rotation: Rotation | undefined
const savedToken = process.env.BEARER_TOKEN_FILE

beforeAll(async () => {
  kafka = await startKafka({
    partitions: 3,
    reauthMs: REAUTH_MS,
    logLevels: { [SASL_SERVER]: 'DEBUG' },
    log: () => {},
  })
  dir = mkdtempSync(join(tmpdir(), 'faults-r3-'))
})

afterAll(async () => {
  rotation?.stop()
  if (savedToken === undefined) delete process.env.BEARER_TOKEN_FILE
  else process.env.BEARER_TOKEN_FILE = savedToken
  await kafka?.stop()
  rmSync(dir, { recursive: true, force: true })
})

it('R3: 5-minute soak with 30 s tokens rotated on disk, re-auth every 10 s and a 45 s idle gap: 0 errors, 0 lost', {
  timeout: 540_000,
}, async () => {
  const topic = 'faults.r3'
  await kafka.createTopic(topic, { partitions: 3 })
  const path = join(dir, 'token')
  rotation = kafka.issuer.rotate({
    path,
    every: ROTATE_EVERY_S,
    lifetime: TOKEN_LIFE_S,
    claims: { sub: 'soak' },
  })
  await rotation.ready
  process.env.BEARER_TOKEN_FILE = path
  const before = memory(kafka)
  const connection = {
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    instanceName: 'faults',
  }
  // Re-read the token file once the token in use has less than 20 s left (it lives 30 s).
  const producer = new GraceDbKafkaProducer({ ...connection, topic: 'r3', reloadBuffer: 20 })
  const consumer = consumeInBackground({
    ...connection,
    topics: 'r3',
    groupId: `faults-r3-${Date.now()}`,
    autoOffsetReset: 'earliest',
    reloadBuffer: 20,
  })
  const t0 = Date.now()
  const perPhase = Math.round((PHASE_MS / 1000) * RATE)
  const first = produceSteadily(producer, { total: perPhase, perSecond: RATE, key: (n) => `k${n % 13}` })
  expect(await first.settled(60_000)).toBe(0)
  await sleep(IDLE_MS) // no traffic at all: every session and token in use outlives itself
  const idleEndS = secondsSince(t0)
  const second = produceSteadily(producer, {
    total: perPhase,
    perSecond: RATE,
    key: (n) => `k${n % 13}`,
    from: perPhase,
    outcomes: first,
  })
  const pending = await second.settled(60_000)
  await producer.close()
  const total = 2 * perPhase
  const drained = Date.now() + 60_000
  while (consumer.seen.size < total && Date.now() < drained) await sleep(200)
  await consumer.stop()
  const soakS = secondsSince(t0)
  const after = memory(kafka)

  const read = await readTopic(kafka.plaintextBootstrapServers, topic)
  const figures = deliveryFigures(total, first.acked, first.failed.size, read)
  const log = kafka.readLog()
  const refused = log.split('\n').filter((l) => /Failed (re-)?authentication/.test(l))
  const reauthentications = log.split('\n').filter((l) => l.includes('Beginning re-authentication')).length
  report('R3 token soak', {
    ...figures,
    pendingAfterSettle: pending,
    reportedTwice: first.reportedTwice.size,
    consumed: consumer.processed,
    consumedDistinct: consumer.seen.size,
    consumerErrors: consumer.errors.slice(0, 5),
    producerFailures: firstFailures(first),
    tokensWritten: rotation.count,
    brokerReauthentications: reauthentications,
    brokerRefusedAuth: refused.length,
    brokerRefusedAuthSample: refused.slice(0, 2).map((l) => l.slice(0, 300)),
    idleGapEndedAtS: idleEndS,
    soakS,
    rssBefore: before,
    rssAfter: after,
  })

  expect(soakS).toBeGreaterThanOrEqual(300)
  expect(firstFailures(first)).toEqual([])
  expect(consumer.errors).toEqual([])
  expect(pending).toBe(0)
  expect(figures.lost).toBe(0)
  expect(figures.duplicated).toBe(0)
  expect(consumer.seen.size).toBe(total)
  expect(refused.slice(0, 3)).toEqual([])
  expect(reauthentications).toBeGreaterThan(0)
  expect(rotation.count).toBeGreaterThanOrEqual(Math.floor(soakS / ROTATE_EVERY_S) - 1)
})
