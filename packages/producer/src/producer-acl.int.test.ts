import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KafkaAuthenticationError, KafkaTopicError } from '@gracedb-kafka/core'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { GraceDbKafkaProducer } from './producer.js'

// A topic the token is not authorised for is a topic problem (KafkaTopicError), not an authentication one:
// checkForTopics refuses it at connect(), ping() refuses it before sending, and a message to it fails with it.
let kafka: KafkaTestCluster
let dir: string
const savedEnv = { ...process.env }

beforeAll(async () => {
  kafka = await startKafka({
    autoCreateTopics: false,
    acls: [
      { subject: 'pipeline', name: 'gracedb-acl.allowed', operations: ['write', 'describe'] },
      { subject: 'pipeline', resource: 'cluster', operations: ['idempotent-write'] },
    ],
  })
  await kafka.createTopic('gracedb-acl.allowed', { partitions: 1 })
  await kafka.createTopic('gracedb-acl.denied', { partitions: 1 })
  dir = mkdtempSync(join(tmpdir(), 'producer-acl-'))
  process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(
    await kafka.issuer.mint({ sub: 'pipeline' }),
    join(dir, 'token'),
  )
}, 120_000)

afterAll(async () => {
  process.env = savedEnv
  await kafka?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const options = (topic: string, extra: Record<string, unknown> = {}) => ({
  bootstrapServers: kafka.bootstrapServers,
  caCertPath: kafka.caCertPath,
  instanceName: 'gracedb-acl',
  topic,
  ...extra,
})

it('checkForTopics refuses a default topic the token is not authorised for, with KafkaTopicError', async () => {
  const err = await GraceDbKafkaProducer.create(options('denied')).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(KafkaTopicError)
  expect(err).not.toBeInstanceOf(KafkaAuthenticationError)
  expect(err).toMatchObject({ code: 'ERR_KAFKA_TOPIC_AUTHORIZATION', topic: 'gracedb-acl.denied' })
  expect((err as Error).message).toMatch(/not authorized for topic 'gracedb-acl.denied'/)
})

it('an authorised default topic passes; ping() and produce() to a forbidden topic fail with KafkaTopicError', async () => {
  await using p = await GraceDbKafkaProducer.create(options('allowed'))
  expect((await p.produce('ok')).offset).toBe(0)
  await expect(p.ping({ topic: 'denied', timeout: 10 })).rejects.toMatchObject({
    name: 'KafkaTopicError',
    code: 'ERR_KAFKA_TOPIC_AUTHORIZATION',
  })
  expect(p.pendingMessages).toBe(0)
  const err = await p.produce('no', { topic: 'denied' }).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(KafkaTopicError)
  await expect(p.flush(10, true)).rejects.toBeInstanceOf(KafkaTopicError) // strict: reported, though seen
})
