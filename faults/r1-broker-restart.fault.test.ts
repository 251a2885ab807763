// R1: one broker, 3 partitions, 10,000 keyed 1 KiB messages at 250/s; the broker is SIGKILLed mid-stream and
// restarted, down for less than the 30 s delivery timeout. Nothing may be lost, written twice, reordered within
// a partition, or reported failed.
import { setTimeout as sleep } from 'node:timers/promises'
import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { memory, secondsSince, useTokenFile } from './lib/env.js'
import { deliveryFigures, report } from './lib/figures.js'
import { firstFailures, produceSteadily } from './lib/produce.js'
import { readTopic } from './lib/read-back.js'

const TOTAL = 10_000
const RATE = 250
const KILL_AT_MS = 12_000
const DOWN_MS = 3_000 // before restart() starts; the broker then needs ~10 s to be ready again

let kafka: KafkaTestCluster
let undoToken: () => void

beforeAll(async () => {
  kafka = await startKafka({ partitions: 3, log: () => {} })
  undoToken = await useTokenFile(kafka)
})

afterAll(async () => {
  undoToken?.()
  await kafka?.stop()
})

it('R1: SIGKILL + restart of the only broker mid-stream: 0 lost, 0 duplicated, 0 out of order, 0 failed', async () => {
  const topic = 'faults.r1'
  await kafka.createTopic(topic, { partitions: 3 })
  const before = memory(kafka)
  const producer = new GraceDbKafkaProducer({
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    instanceName: 'faults',
    topic: 'r1',
    guaranteedDelivery: true,
  })
  const t0 = Date.now()
  const run = produceSteadily(producer, {
    total: TOTAL,
    perSecond: RATE,
    key: (n) => `k${n % 97}`,
    padBytes: 1000,
  })
  await sleep(KILL_AT_MS)
  await kafka.kill(0, 'SIGKILL')
  const killedAt = secondsSince(t0)
  await sleep(DOWN_MS)
  await kafka.restart(0)
  const downS = Math.round((secondsSince(t0) - killedAt) * 10) / 10
  await run.done
  const pending = await run.settled(90_000)
  const flushLeft = await producer.flush(30).catch(() => -1)
  await producer.close()
  const after = memory(kafka)

  const read = await readTopic(kafka.plaintextBootstrapServers, topic)
  const figures = deliveryFigures(run.produced, run.acked, run.failed.size, read)
  report('R1 single broker SIGKILL + restart', {
    ...figures,
    pendingAfterSettle: pending,
    flushLeft,
    reportedTwice: run.reportedTwice.size,
    killedAtS: killedAt,
    downS,
    firstFailures: firstFailures(run),
    rssBefore: before,
    rssAfter: after,
  })

  expect(run.produced).toBe(TOTAL)
  expect(firstFailures(run)).toEqual([])
  expect(figures.failed).toBe(0)
  expect(pending).toBe(0)
  expect(figures.acked).toBe(TOTAL)
  expect(figures.ackedWithoutOffset).toBe(0)
  expect(figures.lost).toBe(0)
  expect(figures.duplicated).toBe(0)
  expect(Object.values(figures.outOfOrder).reduce((a, b) => a + b, 0)).toBe(0)
  expect(run.reportedTwice.size).toBe(0)
  // A precondition of the scenario, not a property of the producer: the broker must have been down for less than
  // the 30 s delivery timeout, else failure reports would be correct (a very slow restart on a loaded machine).
  expect(downS, 'scenario precondition: broker down for less than the delivery timeout').toBeLessThan(30)
})
