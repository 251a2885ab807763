import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type DeliveryReport, GraceDbKafkaProducer } from './producer.js'
import { readBack } from './testing/read-back.js'

// Long test with its own broker, which is stopped and started again while the producer keeps producing.
let kafka: KafkaTestCluster
let dir: string
const savedEnv = { ...process.env }

beforeAll(async () => {
  kafka = await startKafka()
  dir = mkdtempSync(join(tmpdir(), 'producer-restart-'))
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

it('with guaranteedDelivery, every message is acknowledged exactly once across a broker restart', async () => {
  const topic = 'gracedb-restart.restart'
  await kafka.createTopic(topic, { partitions: 1 })
  await using producer = new GraceDbKafkaProducer({
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    instanceName: 'gracedb-restart',
    topic: 'restart',
    kafkaConfig: { 'delivery.timeout.ms': 120_000 },
  })
  const deliveries: Promise<DeliveryReport>[] = []
  let n = 0
  const produceFor = async (ms: number): Promise<void> => {
    const until = Date.now() + ms
    while (Date.now() < until) {
      deliveries.push(producer.produce({ n: n++ }))
      await new Promise((r) => setTimeout(r, 10))
    }
  }
  await produceFor(4_000)
  const stopping = kafka.stopBroker()
  await produceFor(2_000) // produced while the broker goes down
  await stopping
  await produceFor(3_000) // produced while it is down
  const t0 = Date.now()
  await kafka.startBroker()
  const downFor = Date.now() - t0
  await produceFor(4_000)
  expect(await producer.flush(120)).toBe(0)

  const settled = await Promise.allSettled(deliveries)
  const failed = settled.filter((s) => s.status === 'rejected')
  expect(failed.map((f) => String((f as PromiseRejectedResult).reason))).toEqual([])
  const offsets = settled.map((s) => (s as PromiseFulfilledResult<DeliveryReport>).value.offset)
  expect(new Set(offsets).size).toBe(n) // one distinct offset per message

  const read = await readBack(kafka.plaintextBootstrapServers, topic, n, { settleMs: 2_000 })
  const values = read.map((m) => JSON.parse(m.value!.toString()).n as number)
  expect(read).toHaveLength(n) // nothing lost, nothing written twice
  expect(new Set(values).size).toBe(n)
  expect(values).toEqual([...values].sort((a, b) => a - b)) // order kept
  console.info(
    `broker restart: ${n} messages, broker start took ${downFor} ms, all acknowledged exactly once`,
  )
})
