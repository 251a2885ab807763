import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { GraceDbKafkaProducer } from './producer.js'
import { readBack } from './testing/read-back.js'
import { figures, steadyStream } from './testing/steady-stream.js'

// Issue 10, R1 for the producer alone: 1 broker, 3 partitions, keyed messages at a steady rate, the broker
// SIGKILLed and restarted while messages keep coming (down for less than the 30 s delivery timeout).
let kafka: KafkaTestCluster
let dir: string
const savedEnv = { ...process.env }

beforeAll(async () => {
  kafka = await startKafka({ autoCreateTopics: false })
  dir = mkdtempSync(join(tmpdir(), 'producer-kill-'))
  process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(
    await kafka.issuer.mint(),
    join(dir, 'token'),
  )
}, 120_000)

afterAll(async () => {
  process.env = savedEnv
  await kafka?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

it('keyed messages to 3 partitions survive a broker SIGKILL + restart: 0 failed, each stored once, in order', async () => {
  const topic = 'gracedb-kill.cbc'
  await kafka.createTopic(topic, { partitions: 3 })
  await using producer = new GraceDbKafkaProducer({
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    instanceName: 'gracedb-kill',
    topic: 'cbc',
  })
  await producer.connect()
  const stream = steadyStream(producer, { perSecond: 300, keys: 12, pad: 900 })
  await sleep(5_000)
  const killedAt = Date.now()
  await kafka.kill(0, 'SIGKILL')
  await sleep(3_000) // down, while messages keep coming (the restart itself takes several seconds more)
  await kafka.restart(0)
  const downMs = Date.now() - killedAt
  await sleep(5_000)
  await stream.stop()
  expect(await producer.flush(60)).toBe(0)

  const { outcomes } = stream
  await expect.poll(() => outcomes.every((o) => o.report || o.error), { timeout: 5_000 }).toBe(true)
  const read = await readBack(kafka.plaintextBootstrapServers, topic, outcomes.length, {
    timeoutMs: 90_000,
    settleMs: 2_000,
  })
  const f = figures(outcomes, read)
  console.info(`broker SIGKILL (down ${downMs} ms): ${JSON.stringify(f)}`)
  expect(outcomes.filter((o) => o.error).map((o) => String(o.error))).toEqual([])
  expect(f).toMatchObject({
    failed: 0,
    acked: f.produced,
    readBack: f.produced,
    lost: 0,
    duplicated: 0,
    outOfOrderPartitions: 0,
  })
}, 240_000)
