// R4: 3 brokers, RF 3, min.insync.replicas=2, 3 partitions, re-authentication forced every 10 s. While a
// producer sends 20,000 keyed messages at ~200/s and a consumer group commits each message, the broker that
// leads partition 0 and coordinates the group is SIGKILLed, and restarted 30 s later. 0 lost, no error reaches
// the caller, consumer duplicates bounded by what was in flight, re-authentication seen on every broker.
import { setTimeout as sleep } from 'node:timers/promises'
import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { consumeInBackground } from './lib/consume.js'
import { memory, secondsSince, useTokenFile } from './lib/env.js'
import { deliveryFigures, report } from './lib/figures.js'
import { firstFailures, produceSteadily } from './lib/produce.js'
import { readTopic } from './lib/read-back.js'

const TOTAL = 20_000
const RATE = 200
const KILL_AT_MS = 25_000
const DOWN_MS = 30_000
// `await commit()` after every 20th message: one commit per message (each a replicated write to
// __consumer_offsets) cannot keep up with 200/s on this 2-core machine, and the scenario is about commits
// surviving the coordinator's death, not about commit throughput.
const COMMIT_EVERY = 20
const SASL_SERVER = 'org.apache.kafka.common.security.authenticator.SaslServerAuthenticator'

let kafka: KafkaTestCluster
let undoToken: () => void

beforeAll(async () => {
  kafka = await startKafka({
    brokers: 3,
    partitions: 3,
    reauthMs: 10_000,
    brokerConfig: { 'min.insync.replicas': 2 },
    logLevels: { [SASL_SERVER]: 'DEBUG' },
    log: () => {},
  })
  undoToken = await useTokenFile(kafka)
})

afterAll(async () => {
  undoToken?.()
  await kafka?.stop()
})

/** A group id whose coordinator is the broker leading `topic`'s partition 0 (tries up to 40 names). */
async function groupCoordinatedByLeader(topic: string): Promise<{ groupId: string; broker: number }> {
  const leader = await kafka.leaderOf(topic, 0)
  if (leader === undefined) throw new Error(`${topic}-0 has no leader`)
  for (let i = 0; i < 40; i++) {
    const groupId = `faults-r4-${Date.now()}-${i}`
    if ((await kafka.coordinatorOf(groupId)) === leader) return { groupId, broker: leader }
  }
  throw new Error(`no group coordinated by broker ${leader} among 40 names`)
}

it('R4: SIGKILL of the leader that is also the group coordinator, restarted 30 s later: 0 lost, no error to the caller', {
  timeout: 420_000,
}, async () => {
  const topic = 'faults.r4'
  await kafka.createTopic(topic, { partitions: 3, config: { 'min.insync.replicas': '2' } })
  const { groupId, broker: victim } = await groupCoordinatedByLeader(topic)
  const before = memory(kafka)
  const connection = {
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    instanceName: 'faults',
  }
  const consumer = consumeInBackground(
    { ...connection, topics: 'r4', groupId, autoOffsetReset: 'earliest', autoCommit: false },
    { commitEvery: COMMIT_EVERY },
  )
  const producer = new GraceDbKafkaProducer({ ...connection, topic: 'r4', guaranteedDelivery: true })
  const t0 = Date.now()
  const run = produceSteadily(producer, { total: TOTAL, perSecond: RATE, key: (n) => `k${n % 101}` })
  await sleep(KILL_AT_MS)
  const consumedAtKill = consumer.processed
  await kafka.kill(victim, 'SIGKILL')
  const killedAtS = secondsSince(t0)
  const leadersAfterKill = await Promise.all(
    [0, 1, 2].map((p) => kafka.leaderOf(topic, p).catch(() => undefined)),
  )
  await sleep(DOWN_MS)
  await kafka.restart(victim)
  const restartedAtS = secondsSince(t0)
  const pending = await run.settled(120_000)
  await producer.close()
  // Wait for the consumer while it makes progress: at most 60 s without a new message, 180 s in all.
  const drainStart = Date.now()
  let progressAt = Date.now()
  for (
    let last = -1;
    consumer.seen.size < TOTAL && Date.now() - progressAt < 60_000 && Date.now() - drainStart < 180_000;
  ) {
    if (consumer.seen.size !== last) {
      last = consumer.seen.size
      progressAt = Date.now()
    }
    await sleep(250)
  }
  const drainedS = secondsSince(drainStart)
  await consumer.stop()
  const after = memory(kafka)

  const read = await readTopic(kafka.plaintextBootstrapServers, topic)
  const figures = deliveryFigures(run.produced, run.acked, run.failed.size, read)
  const logs = [0, 1, 2].map((i) => kafka.readLog(i))
  const reauthentications = logs.map((l) => l.split('Beginning re-authentication').length - 1)
  const refused = logs.map(
    (l) => l.split('\n').filter((line) => /Failed (re-)?authentication/.test(line)).length,
  )
  const consumerDuplicates = consumer.processed - consumer.seen.size
  report('R4 3 brokers, leader + coordinator SIGKILLed, restarted 30 s later', {
    ...figures,
    pendingAfterSettle: pending,
    reportedTwice: run.reportedTwice.size,
    producerFailures: firstFailures(run),
    consumed: consumer.processed,
    consumedDistinct: consumer.seen.size,
    consumerDuplicates,
    consumerErrors: consumer.errors.slice(0, 5),
    consumerSessions: consumer.sessions,
    consumerMaxUncommitted: consumer.maxUncommitted,
    consumerLongestGapS: Math.round(consumer.longestGapMs / 100) / 10,
    consumerDrainAfterProduceS: drainedS,
    victim,
    consumedAtKill,
    killedAtS,
    restartedAtS,
    leadersAfterKill,
    reauthenticationsPerBroker: reauthentications,
    refusedAuthPerBroker: refused,
    rssBefore: before,
    rssAfter: after,
  })

  expect(run.produced).toBe(TOTAL)
  expect(firstFailures(run)).toEqual([])
  expect(pending).toBe(0)
  expect(figures.ackedWithoutOffset).toBe(0)
  expect(figures.lost).toBe(0)
  expect(figures.ackedLost).toBe(0)
  expect(run.reportedTwice.size).toBe(0)
  expect(consumer.errors).toEqual([])
  expect(consumer.seen.size).toBe(TOTAL)
  // One consumer; at most COMMIT_EVERY messages handed out and not yet committed at any time. Each group event
  // of the failover (the coordinator moving away, the consumer rejoining, the broker coming back) can redeliver
  // at most those.
  expect(consumer.maxUncommitted).toBeLessThanOrEqual(COMMIT_EVERY)
  expect(consumerDuplicates).toBeLessThanOrEqual(3 * COMMIT_EVERY)
  for (const count of reauthentications) expect(count).toBeGreaterThan(0)
  expect(refused).toEqual([0, 0, 0])
})
