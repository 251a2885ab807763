// Every scenario of the reference's integration suite (ligo-gracedb 2.16.1,
// kafka/test/integration/test_kafka_integration.py; reference-suite.int.test.ts runs the original) ported to
// our API: one `it` per Python test, same name in camelCase, same observable behaviour, on the testkit broker
// with the instance's `test` topic created explicitly (auto-creation is off, as on GraceDB's brokers).
//
// Python construction (which validates the token and checks the broker's topics) maps to ours as issue 11
// specifies: `new GraceDbKafkaProducer(...)` validates the token; `await producer.connect()` (or the static
// `GraceDbKafkaProducer.create(...)`, which does both) checks the topics.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createOAuthCallback, getScitokenForKafka, SciTokenRefreshManager } from '@gracedb-kafka/auth'
import {
  KafkaConnectionError,
  KafkaMessageDeliveryError,
  KafkaTopicError,
  validateMessage,
} from '@gracedb-kafka/core'
import { type DeliveryReport, GraceDbKafkaProducer, type ProducerOptionsInput } from '@gracedb-kafka/producer'
import { GraceDb } from '@gracedb-kafka/rest'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import { deriveInstanceName, makeTopicName } from '@gracedb-kafka/topics'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

/** Our own instance (`gracedb-refsuite-ts`): only this file creates its topics. */
const SERVICE_URL = 'https://gracedb-refsuite-ts.invalid/api/'
const INSTANCE = deriveInstanceName(SERVICE_URL)
const PIPELINE = 'test' // the suite's KAFKA_TOPIC default
const SCOPE = 'gracedb.read' // the suite's KAFKA_SCOPE default, and the only scope the token carries
const MISSING = 'non-existent-topic-12345'

let kafka: SharedKafka
let dir: string
const savedEnv = { ...process.env }

beforeAll(async () => {
  kafka = await sharedKafka()
  dir = await mkdtemp(join(tmpdir(), 'gracedb-kafka-refscen-'))
  await kafka.createTopic(makeTopicName(INSTANCE, PIPELINE))
  const token = await kafka.issuer.mint({ scope: SCOPE }) // what htgettoken gives a pipeline
  for (const name of ['SCITOKEN', 'SCITOKEN_FILE', 'BEARER_TOKEN', '_CONDOR_CREDS']) delete process.env[name]
  process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(token, join(dir, 'token'))
  process.env.XDG_RUNTIME_DIR = dir
})

afterAll(async () => {
  process.env = savedEnv
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** The suite's `make_producer` fixture: the same defaults, closed (errors ignored) after each test. */
const made: GraceDbKafkaProducer[] = []
afterEach(async () => {
  await Promise.all(made.splice(0).map((p) => p.close(5).catch(() => {})))
})

function options(overrides: Partial<ProducerOptionsInput> = {}): ProducerOptionsInput {
  return {
    bootstrapServers: kafka.bootstrapServers,
    topic: PIPELINE,
    instanceName: INSTANCE,
    caCertPath: kafka.caCertPath,
    tokenScope: SCOPE,
    ...overrides,
  } as ProducerOptionsInput
}

/** Construct and connect (the Python constructor's checks), as `make_producer(**overrides)`. */
async function makeProducer(overrides: Partial<ProducerOptionsInput> = {}): Promise<GraceDbKafkaProducer> {
  const producer = new GraceDbKafkaProducer(options(overrides))
  made.push(producer)
  await producer.connect()
  return producer
}

/** The suite's `_event(graceid, **extra)`. */
function event(graceid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    graceid,
    group: 'Test',
    pipeline: 'integration-test',
    created: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...extra,
  }
}

/** The rejection of `promise` (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a rejection, but it resolved')
}

describe('TestKafkaProducerIntegration', () => {
  it('testProducerCreation', async () => {
    const producer = await makeProducer()
    expect(producer.bootstrapServers).toBe(kafka.bootstrapServers)
    expect(producer.instanceName).toBe(INSTANCE)
    expect(producer.defaultTopic).toBe(makeTopicName(INSTANCE, PIPELINE))
    expect(producer.tokenScope).toBe(SCOPE)
    expect(producer.refreshManager).toBeDefined()
    expect(producer.refreshManager).not.toBeNull()
    expect(producer.pendingMessages).toBe(0)
  })

  it('testPingRoundTrip', async () => {
    const producer = await makeProducer()
    const result = await producer.ping({ timeout: 15 })
    expect(result.topic).toBe(producer.defaultTopic)
    expect(result.partition).toBeGreaterThanOrEqual(0)
    expect(result.offset).toBeGreaterThanOrEqual(0)
    expect(result.message.type).toBe('ping')
    expect(result.message.sub).toBeTruthy()
    expect(() => validateMessage(result.message)).not.toThrow()
  })

  it('testProduceSingleMessageStrict', async () => {
    const producer = await makeProducer()
    void producer.produce(event('TEST123'), { key: 'TEST123' })
    expect(producer.pendingMessages).toBe(1)
    expect(await producer.flush(15, true)).toBe(0)
    expect(producer.pendingMessages).toBe(0)
  })

  it('testProduceMultipleMessages', async () => {
    const producer = await makeProducer()
    for (let i = 0; i < 10; i++) void producer.produce(event(`TEST${i}`, { index: i }), { key: `TEST${i}` })
    expect(await producer.flush(30, true)).toBe(0)
  })

  it('testProduceWithDeliveryCallback', async () => {
    const producer = await makeProducer()
    const delivered: DeliveryReport[] = []
    const failed: unknown[] = []
    void producer.produce(event('TEST_CALLBACK'), {
      key: 'TEST_CALLBACK',
      onDelivery: (err, report) => {
        if (err) failed.push(err)
        else delivered.push(report!)
      },
    })
    await producer.flush(15, true)
    expect(failed).toEqual([])
    expect(delivered).toHaveLength(1)
    expect(Buffer.from(delivered[0]!.key!)).toEqual(Buffer.from('TEST_CALLBACK'))
    expect(delivered[0]!.topic).toBe(producer.defaultTopic)
  })

  it('testProduceWithHeaders', async () => {
    const producer = await makeProducer()
    const headers = {
      source: 'integration-test',
      version: '1.0',
      timestamp: String(Math.floor(Date.now() / 1000)),
    }
    void producer.produce(event('TEST_HEADERS'), { key: 'TEST_HEADERS', headers })
    expect(await producer.flush(15, true)).toBe(0)
  })

  it('testExplicitTopicIsNamespaced', async () => {
    const producer = await makeProducer()
    const result = await producer.ping({ topic: PIPELINE, timeout: 15 })
    expect(result.topic).toBe(makeTopicName(INSTANCE, PIPELINE))
  })

  it('testTokenRefreshManagerOverTime', async () => {
    const producer = await makeProducer({ reloadCred: true })
    expect(producer.refreshManager).toBeDefined()
    const manager = producer.refreshManager!
    const firstExpiry = (await manager.getTokenInfo()).expiresAt
    expect(firstExpiry).toBeGreaterThan(Date.now())
    for (let i = 0; i < 3; i++) {
      void producer.produce(event(`TEST_REFRESH_${i}`, { iteration: i }), { key: `TEST_REFRESH_${i}` })
      expect(await producer.flush(15, true)).toBe(0)
      await sleep(1000) // the scenario: the producer keeps working over time
    }
    // Same token still valid, so no refresh should have happened
    expect((await manager.getTokenInfo()).expiresAt).toBe(firstExpiry)
  })

  it('testContextManager', async () => {
    let producer!: GraceDbKafkaProducer
    let delivery!: Promise<DeliveryReport>
    {
      await using p = await GraceDbKafkaProducer.create(options())
      producer = p
      delivery = p.produce(event('TEST_CTX'), { key: 'TEST_CTX' })
    }
    // disposal flushed the queue: the message was delivered, not dropped
    expect(producer.pendingMessages).toBe(0)
    await expect(delivery).resolves.toMatchObject({ topic: makeTopicName(INSTANCE, PIPELINE) })
  })
})

describe('TestKafkaAuthenticationIntegration', () => {
  it('testTokenDiscovery', async () => {
    const token = await getScitokenForKafka(kafka.bootstrapServers, { scope: SCOPE })
    expect(typeof token).toBe('string')
    expect(token.split('.')).toHaveLength(3)
  })

  it('testOauthCallback', async () => {
    const callback = createOAuthCallback(kafka.bootstrapServers, { scope: SCOPE })
    const { value, expiresAt } = await callback()
    expect(value.split('.')).toHaveLength(3)
    expect(Number.isInteger(expiresAt)).toBe(true)
    expect(expiresAt).toBeGreaterThan(Date.now())
  })

  it('testRefreshManager', async () => {
    using manager = new SciTokenRefreshManager(kafka.bootstrapServers, { scope: SCOPE })
    const token = await manager.getToken()
    const info = await manager.getTokenInfo()
    expect(info.value).toBe(token)
    expect(info.expiresAt).toBeGreaterThan(Date.now())
    // Cached on the second call
    expect(await manager.getToken()).toBe(token)
    const fromCallback = await manager.createCallback()()
    expect(fromCallback.value).toBe(token)
    expect(fromCallback.expiresAt).toBe(info.expiresAt)
  })
})

describe('TestKafkaErrorHandling', () => {
  it('testUnreachableBrokerFailsAtConstruction', async () => {
    const bad = options({ bootstrapServers: 'no-such-host.invalid:9092' })
    const viaCreate = await rejection(GraceDbKafkaProducer.create(bad))
    const producer = new GraceDbKafkaProducer(bad)
    made.push(producer)
    const viaConnect = await rejection(producer.connect())
    for (const err of [viaCreate, viaConnect]) {
      expect(err).toBeInstanceOf(KafkaConnectionError)
      expect(err.message).toContain('Could not fetch the topic list')
      expect(err.message).toContain('no-such-host.invalid:9092')
      expect(err.message).toContain('checkForTopics')
    }
  })

  it('testMissingTopicFailsAtConstruction', async () => {
    const viaCreate = await rejection(GraceDbKafkaProducer.create(options({ topic: MISSING })))
    const viaConnect = await rejection(makeProducer({ topic: MISSING }))
    for (const err of [viaCreate, viaConnect]) {
      expect(err).toBeInstanceOf(KafkaTopicError)
      expect(err.message).toContain(makeTopicName(INSTANCE, MISSING))
      expect(err.message).toContain('does not exist')
      expect(err.message).toContain('checkForTopics')
    }
  })

  it('testWrongInstanceListsAvailableInstances', async () => {
    const err = await rejection(makeProducer({ topic: undefined, instanceName: 'no-such-instance' }))
    expect(err).toBeInstanceOf(KafkaTopicError)
    expect(err.message).toContain("No topics found for GraceDB instance 'no-such-instance'")
    // The real instance is among those listed as present
    expect(err.message).toContain(INSTANCE)
  })

  it('testPingMissingTopic', async () => {
    const producer = await makeProducer()
    const err = await rejection(producer.ping({ topic: MISSING, timeout: 15 }))
    expect(err).toBeInstanceOf(KafkaTopicError)
    expect(err.message).toMatch(/does not exist/)
  })

  it('testMissingTopicDiagnosedOnStrictFlush', async () => {
    // With the start-up check off, a missing topic is still named when the flush stalls.
    const producer = await makeProducer({ topic: undefined, checkForTopics: false })
    void producer.produce({ test: 'data' }, { topic: MISSING })
    const err = await rejection(producer.flush(5, true))
    expect(err).toBeInstanceOf(KafkaTopicError)
    expect(err).toBeInstanceOf(KafkaMessageDeliveryError)
    expect(err.message).toContain('Delivery timed out')
    expect(err.message).toContain(makeTopicName(INSTANCE, MISSING))
  })
})

describe('TestGraceDbClientIntegration', () => {
  it('testCreateProducerFromClient', async () => {
    const client = new GraceDb(SERVICE_URL)
    const producer = client.createKafkaProducer({
      bootstrapServers: kafka.bootstrapServers,
      topic: PIPELINE,
      caCertPath: kafka.caCertPath,
    })
    try {
      expect(producer.instanceName).toBe(INSTANCE)
      expect(producer.defaultTopic).toBe(makeTopicName(INSTANCE, PIPELINE))
      expect(producer.tokenScope).toBe('gracedb.read')
      const result = await producer.ping({ timeout: 15 })
      expect(result.topic).toBe(producer.defaultTopic)
    } finally {
      await producer.close(5)
      await client.close()
    }
  })
})

describe('TestKafkaPerformance', () => {
  // The reference runs this one only with KAFKA_PERFORMANCE_TESTS set and also asserts > 10 msg/s; here it always
  // runs (1000 small messages) and the rate is printed, not asserted (no wall-clock assertions in our tests).
  it('testThroughput', async () => {
    const producer = await makeProducer()
    const numMessages = 1000
    const start = performance.now()
    for (let i = 0; i < numMessages; i++) {
      void producer.produce(event(`PERF_${i}`, { index: i }), { key: `PERF_${i}` })
    }
    expect(await producer.flush(60, true)).toBe(0)
    const elapsed = (performance.now() - start) / 1000
    console.log(
      `Produced ${numMessages} messages in ${elapsed.toFixed(2)}s (${(numMessages / elapsed).toFixed(0)} msg/s)`,
    )
  })
})
