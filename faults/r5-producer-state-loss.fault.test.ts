// R5: an idempotent producer across broker events that lose its producer state. The broker expires producer
// ids idle for 8 s (producer.id.expiration.ms, checked every second), which is what a broker does after a day
// by default: the producer's next batches carry sequence numbers the broker no longer knows. Twice: after a
// first phase, and again after a second one. 0 lost, 0 reported twice, 0 failed.
import { setTimeout as sleep } from 'node:timers/promises'
import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { memory, useTokenFile } from './lib/env.js'
import { deliveryFigures, report } from './lib/figures.js'
import { firstFailures, produceSteadily } from './lib/produce.js'
import { readTopic } from './lib/read-back.js'

const PER_PHASE = 1_500
const RATE = 300
const EXPIRATION_MS = 8_000
const IDLE_MS = 15_000 // longer than the expiration plus a check interval

let kafka: KafkaTestCluster
let undoToken: () => void

beforeAll(async () => {
  kafka = await startKafka({
    partitions: 3,
    brokerConfig: {
      'producer.id.expiration.ms': EXPIRATION_MS,
      'producer.id.expiration.check.interval.ms': 1_000,
    },
    log: () => {},
  })
  undoToken = await useTokenFile(kafka)
})

afterAll(async () => {
  undoToken?.()
  await kafka?.stop()
})

it('R5: idempotent producer across producer-state loss on the broker: 0 lost, 0 reported twice', async () => {
  const topic = 'faults.r5'
  await kafka.createTopic(topic, { partitions: 3 })
  const before = memory(kafka)
  const producer = new GraceDbKafkaProducer({
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    instanceName: 'faults',
    topic: 'r5',
    guaranteedDelivery: true,
  })
  const key = (n: number): string => `k${n % 29}`
  const run = produceSteadily(producer, { total: PER_PHASE, perSecond: RATE, key })
  const pendingPerPhase = [await run.settled(60_000)]
  for (let phase = 1; phase < 3; phase++) {
    await sleep(IDLE_MS) // the broker forgets the producer id
    const next = produceSteadily(producer, {
      total: PER_PHASE,
      perSecond: RATE,
      key,
      from: phase * PER_PHASE,
      outcomes: run,
    })
    pendingPerPhase.push(await next.settled(60_000))
  }
  const flushLeft = await producer.flush(30).catch(() => -1)
  await producer.close()
  const total = 3 * PER_PHASE

  const read = await readTopic(kafka.plaintextBootstrapServers, topic)
  const figures = deliveryFigures(total, run.acked, run.failed.size, read)
  // Which producer ids wrote each phase: a producer that noticed the loss and started over shows a new one.
  const idsByPhase = [0, 1, 2].map((phase) => [
    ...new Set(read.filter((r) => Math.floor(r.n / PER_PHASE) === phase).map((r) => r.producerId)),
  ])
  const stateLossObserved = run.failed.size > 0 || new Set(idsByPhase.flat()).size > 1
  report('R5 idempotent producer across producer-state loss', {
    ...figures,
    pendingPerPhase,
    flushLeft,
    reportedTwice: run.reportedTwice.size,
    producerFailures: firstFailures(run),
    producerIdsByPhase: idsByPhase,
    stateLossObserved,
    rssBefore: before,
    rssAfter: memory(kafka),
  })

  // The scenario must have bitten: the producer either failed or had to start over with a new producer id.
  expect(stateLossObserved).toBe(true)
  expect(firstFailures(run)).toEqual([])
  expect(pendingPerPhase).toEqual([0, 0, 0])
  expect(figures.lost).toBe(0)
  expect(figures.ackedWithoutOffset).toBe(0)
  expect(run.reportedTwice.size).toBe(0)
  expect(figures.acked).toBe(total)
})
