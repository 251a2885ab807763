// R2: a consumer with manual commit, in a child process, SIGKILLed 3 times at random points while it works
// through 4,500 messages on 3 partitions; a fresh child takes over each time. Every message must be processed
// at least once, and redelivery is limited to what was processed but not yet committed.
import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type ChildEvent, killChildren, startConsumerChild } from './lib/child.js'
import { memory, useTokenFile } from './lib/env.js'
import { report } from './lib/figures.js'
import { produceSteadily } from './lib/produce.js'

const TOTAL = 4_500
const KILLS = 3

let kafka: KafkaTestCluster
let undoToken: () => void

beforeAll(async () => {
  kafka = await startKafka({ partitions: 3, log: () => {} })
  undoToken = await useTokenFile(kafka)
})

afterAll(async () => {
  killChildren()
  undoToken?.()
  await kafka?.stop()
})

it('R2: consumer SIGKILLed 3 times at random points with manual commit: every message processed at least once', async () => {
  await kafka.createTopic('faults.r2', { partitions: 3 })
  const before = memory(kafka)
  await using producer = new GraceDbKafkaProducer({
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    instanceName: 'faults',
    topic: 'r2',
  })
  const produced = produceSteadily(producer, { total: TOTAL, perSecond: 5_000, key: (n) => `k${n % 31}` })
  expect(await produced.settled(120_000)).toBe(0)
  expect(produced.failed.size).toBe(0)

  const options = {
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    instanceName: 'faults',
    topics: 'r2',
    groupId: `faults-r2-${Date.now()}`,
    autoOffsetReset: 'earliest',
    autoCommit: false,
    // A killed member keeps its partitions until its session times out: keep that short.
    kafkaConfig: { 'session.timeout.ms': 8000, 'heartbeat.interval.ms': 1000 },
  }
  const seen = new Map<number, number>()
  const killPoints: number[] = []
  const record = (events: ChildEvent[]): number => {
    let count = 0
    for (const e of events) {
      if (e.event !== 'message' || e.value === undefined) continue
      seen.set(e.value.n, (seen.get(e.value.n) ?? 0) + 1)
      count++
    }
    return count
  }
  let processedTotal = 0
  for (let k = 0; k < KILLS; k++) {
    const child = startConsumerChild({ options, delayMs: 5 })
    // A random point: after 100..(remaining/2) more messages, so each child dies mid-work.
    const remaining = TOTAL - seen.size
    const at = 100 + Math.floor(Math.random() * Math.max(1, remaining / 2 - 100))
    await child.until(() => child.processed() >= at, 120_000, `${at} messages`)
    child.child.kill('SIGKILL')
    const { signal } = await child.exited
    expect(signal).toBe('SIGKILL')
    killPoints.push(child.processed())
    processedTotal += record(child.events)
  }
  const last = startConsumerChild({ options })
  const distinct = (): number => {
    const mine = new Set(seen.keys())
    for (const e of last.events) if (e.event === 'message' && e.value) mine.add(e.value.n)
    return mine.size
  }
  await last.until(() => distinct() >= TOTAL, 120_000, 'every message')
  last.child.kill('SIGINT')
  const lastExit = await last.exited
  processedTotal += record(last.events)

  const missing = Array.from({ length: TOTAL }, (_, n) => n).filter((n) => !seen.has(n))
  const redelivered = processedTotal - seen.size
  report('R2 consumer SIGKILLed 3 times, manual commit', {
    produced: TOTAL,
    acked: produced.acked.size,
    failed: produced.failed.size,
    processed: processedTotal,
    distinctProcessed: seen.size,
    lost: missing.length,
    redelivered,
    killedAfter: killPoints,
    lastChildExit: lastExit,
    rssBefore: before,
    rssAfter: memory(kafka),
  })
  expect(missing).toEqual([])
  expect(lastExit.code).toBe(0)
  // Manual commit after each message: a SIGKILL can redeliver only the message in hand (its commit unsent).
  expect(redelivered).toBeLessThanOrEqual(KILLS)
})
