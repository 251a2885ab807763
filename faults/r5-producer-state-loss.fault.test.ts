// R5: an idempotent producer across broker events that lose its producer state. The broker expires producer
// ids idle for 8 s (producer.id.expiration.ms, checked every second; a day by default), so after each idle gap
// the producer's next batches carry sequence numbers the broker no longer knows. The third phase also SIGKILLs
// and restarts the broker mid-stream, so batches in flight are retried against state rebuilt from the log.
// 0 lost, 0 reported twice, 0 failed.
//
// What Kafka 4.1 does with a forgotten producer: it accepts a batch with a non-zero sequence from a producer id
// it has no state for (the KIP-360 leniency), so the loss itself raises no error; what it loses is the ability
// to drop a retried duplicate. Duplicates on the broker are therefore printed, not asserted: the promise to
// the caller is that nothing acknowledged is lost and nothing is reported twice.
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
const KILL_AFTER_MS = 2_000

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
  let downS = 0
  for (let phase = 1; phase < 3; phase++) {
    await sleep(IDLE_MS) // the broker forgets the producer id
    const next = produceSteadily(producer, {
      total: PER_PHASE,
      perSecond: RATE,
      key,
      from: phase * PER_PHASE,
      outcomes: run,
    })
    if (phase === 2) {
      await sleep(KILL_AFTER_MS)
      const t = Date.now()
      await kafka.kill(0, 'SIGKILL')
      await kafka.restart(0)
      downS = Math.round((Date.now() - t) / 100) / 10
    }
    pendingPerPhase.push(await next.settled(90_000))
  }
  const flushLeft = await producer.flush(30).catch(() => -1)
  await producer.close()
  const total = 3 * PER_PHASE

  const read = await readTopic(kafka.plaintextBootstrapServers, topic)
  const figures = deliveryFigures(total, run.acked, run.failed.size, read)
  // Which producer ids wrote each phase: a producer that was told of the loss and started over shows a new one.
  const idsByPhase = [0, 1, 2].map((phase) => [
    ...new Set(read.filter((r) => Math.floor(r.n / PER_PHASE) === phase).map((r) => r.producerId)),
  ])
  report('R5 idempotent producer across producer-state loss', {
    ...figures,
    pendingPerPhase,
    flushLeft,
    reportedTwice: run.reportedTwice.size,
    producerFailures: firstFailures(run),
    producerIdsByPhase: idsByPhase,
    brokerDownS: downS,
    rssBefore: before,
    rssAfter: memory(kafka),
  })

  // Every record was written idempotently (a real producer id), so the broker did track the producer.
  expect(read.every((r) => r.producerId >= 0)).toBe(true)
  expect(firstFailures(run)).toEqual([])
  expect(pendingPerPhase).toEqual([0, 0, 0])
  expect(figures.lost).toBe(0)
  expect(figures.ackedWithoutOffset).toBe(0)
  expect(run.reportedTwice.size).toBe(0)
  expect(figures.acked).toBe(total)
})
