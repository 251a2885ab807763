import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { GraceDbKafkaProducer } from './producer.js'
import { readBack } from './testing/read-back.js'

// A broker whose certificate names another host than the one we dial (localhost).
let kafka: KafkaTestCluster
let dir: string
const savedEnv = { ...process.env }

beforeAll(async () => {
  kafka = await startKafka({ certHostname: 'kafka.elsewhere.example' })
  await kafka.createTopic('gracedb-tls.tls') // testkit brokers do not auto-create topics (as GraceDB's)
  dir = mkdtempSync(join(tmpdir(), 'producer-tls-'))
  process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(
    await kafka.issuer.mint(),
    join(dir, 'token'),
  )
})

afterAll(async () => {
  process.env = savedEnv
  await kafka?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const make = (skipHostnameVerification: boolean): GraceDbKafkaProducer =>
  new GraceDbKafkaProducer({
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    instanceName: 'gracedb-tls',
    topic: 'tls',
    skipHostnameVerification,
  })

it('fails hostname verification without skipHostnameVerification', async () => {
  await using p = make(false)
  const err = await p.produce('x').catch((e: unknown) => e)
  expect(err).toMatchObject({ name: 'KafkaConnectionError', code: 'ERR_KAFKA_TLS' })
  expect((err as Error).message).toMatch(/kafka\.elsewhere\.example|altnames|hostname/i)
})

it('works with skipHostnameVerification (the CA is still checked)', async () => {
  await using p = make(true)
  const report = await p.produce('over tls')
  expect(report.topic).toBe('gracedb-tls.tls')
  const [m] = await readBack(kafka.plaintextBootstrapServers, 'gracedb-tls.tls', 1)
  expect(m!.value!.toString()).toBe('over tls')
})
