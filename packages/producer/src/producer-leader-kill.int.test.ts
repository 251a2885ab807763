import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { GraceDbKafkaProducer } from './producer.js'
import { readBack } from './testing/read-back.js'
import { figures, steadyStream } from './testing/steady-stream.js'

// Issue 10's first scenario for the producer alone: 3 brokers, RF 3, min.insync.replicas=2, the leader of
// partition 0 SIGKILLed mid-stream. Before the per-partition accounting, kafkajs dropped partition 0 from its
// retry (kafkajs #1303) and a message was reported delivered at offset -1 without being written.
let kafka: KafkaTestCluster
let dir: string
const savedEnv = { ...process.env }

beforeAll(async () => {
  kafka = await startKafka({ brokers: 3, autoCreateTopics: false })
  dir = mkdtempSync(join(tmpdir(), 'producer-leader-'))
  process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(
    await kafka.issuer.mint(),
    join(dir, 'token'),
  )
}, 180_000)

afterAll(async () => {
  process.env = savedEnv
  await kafka?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

it('a leader SIGKILL mid-stream: every message reported delivered is on the broker at its offset, 0 failed', async () => {
  const topic = 'gracedb-leader.cbc'
  await kafka.createTopic(topic, { partitions: 3, config: { 'min.insync.replicas': '2' } })
  await using producer = new GraceDbKafkaProducer({
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    instanceName: 'gracedb-leader',
    topic: 'cbc',
  })
  await producer.connect()
  const stream = steadyStream(producer, { perSecond: 150, keys: 12 })
  await sleep(5_000)
  const leader = await kafka.leaderOf(topic, 0)
  expect(leader).toBeDefined()
  await kafka.kill(leader!, 'SIGKILL')
  await expect.poll(async () => kafka.leaderOf(topic, 0), { timeout: 60_000, interval: 500 }).not.toBe(leader)
  await sleep(5_000) // keep producing on the two survivors
  await kafka.restart(leader!)
  await sleep(3_000)
  await stream.stop()
  expect(await producer.flush(60)).toBe(0)

  const { outcomes } = stream
  await expect.poll(() => outcomes.every((o) => o.report || o.error), { timeout: 5_000 }).toBe(true)
  const read = await readBack(kafka.plaintextBootstrapServers, topic, outcomes.length, {
    timeoutMs: 90_000,
    settleMs: 2_000,
  })
  const f = figures(outcomes, read)
  console.info(`leader SIGKILL (broker ${leader}): ${JSON.stringify(f)}`)
  expect(outcomes.filter((o) => o.error).map((o) => String(o.error))).toEqual([])
  expect(outcomes.filter((o) => o.report && o.report.offset < 0)).toEqual([])
  expect(f).toMatchObject({ failed: 0, acked: f.produced, lost: 0, outOfOrderPartitions: 0 })
  expect(f.readBack).toBeGreaterThanOrEqual(f.produced)
}, 300_000)
