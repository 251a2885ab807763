// A coordinator failover under a consumer that commits every message (the README's at-least-once loop), on a
// 3-broker testkit cluster of its own (RF 3, min.insync.replicas=2): the broker that leads partition 0 and
// coordinates the group is SIGKILLed mid-stream and restarted later.
import { setTimeout as sleep } from 'node:timers/promises'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GraceDbKafkaConsumer } from './consumer.js'
import {
  committedOffsets,
  consumerOptions,
  freshTopic,
  jsonMessages,
  plaintextClient,
  produce,
  recordCount,
  totalCommitted,
  uniq,
  useToken,
} from './testing/helpers.js'

let kafka: KafkaTestCluster

beforeAll(async () => {
  kafka = await startKafka({
    brokers: 3,
    partitions: 3,
    brokerConfig: { 'min.insync.replicas': 2 },
    startTimeoutMs: 180_000, // the machine is shared with other brokers
    log: () => {},
  })
  await useToken(kafka)
}, 240_000)

afterAll(async () => {
  await kafka?.stop()
})

/** A fresh group id whose coordinator is the broker leading `topic`'s partition 0. */
async function groupOnLeaderOf(topic: string): Promise<{ groupId: string; victim: number }> {
  const leader = await kafka.leaderOf(topic, 0)
  if (leader === undefined) throw new Error(`${topic}-0 has no leader`)
  for (let i = 0; i < 60; i++) {
    const groupId = `failover-${uniq()}`
    if ((await kafka.coordinatorOf(groupId)) === leader) return { groupId, victim: leader }
  }
  throw new Error(`no group id coordinated by broker ${leader}`)
}

/** The id of the one member of `groupId`. */
async function memberOf(groupId: string): Promise<string> {
  const admin = plaintextClient(kafka).admin()
  await admin.connect()
  try {
    const { groups } = await admin.describeGroups([groupId])
    return groups[0]?.members[0]?.memberId ?? ''
  } finally {
    await admin.disconnect()
  }
}

describe('coordinator failover', () => {
  it('SIGKILL of the leader + coordinator during stream() with await commit(msg): no error, nothing lost', {
    timeout: 400_000,
  }, async () => {
    const total = 3000
    const { instance, topic } = await freshTopic(kafka, 'test', 3)
    await produce(kafka, topic, jsonMessages(total))
    expect(await recordCount(kafka, topic)).toBe(total)
    const { groupId, victim } = await groupOnLeaderOf(topic)
    const opts = consumerOptions(kafka, instance, {
      topics: 'test',
      groupId,
      autoOffsetReset: 'earliest',
      autoCommit: false,
    })
    const consumer = new GraceDbKafkaConsumer(opts)
    const seen = new Map<number, number>()
    const errors: string[] = []
    let processed = 0
    let notCommitted = 0 // commit() resolved false: the partition moved, the message comes again
    let killedAt = 0
    let lastAt = 0
    let stallMs = 0 // the longest gap between two messages after the kill
    let restart: Promise<void> | undefined
    let staleMember = '' // the member id the group knew before the kill
    const loop = (async () => {
      try {
        for await (const msg of consumer.stream({ timeout: 0.5 })) {
          const now = Date.now()
          if (killedAt > 0) stallMs = Math.max(stallMs, now - Math.max(lastAt, killedAt))
          lastAt = now
          const n = (msg.value as { n: number }).n
          seen.set(n, (seen.get(n) ?? 0) + 1)
          processed++
          await sleep(10) // the caller's work
          if (!(await consumer.commit(msg))) notCommitted++
          if (processed === 500) {
            staleMember = await memberOf(groupId)
            await kafka.kill(victim, 'SIGKILL')
            killedAt = Date.now()
            restart = sleep(20_000).then(() => kafka.restart(victim))
          }
          if (seen.size === total) consumer.stop()
        }
      } catch (err) {
        errors.push(`${(err as Error).name}: ${(err as Error).message}`)
      }
    })()
    try {
      await expect
        .poll(() => seen.size === total || errors.length > 0, { timeout: 240_000, interval: 250 })
        .toBe(true)
    } finally {
      consumer.stop()
      await loop
      await restart
      await consumer.close()
    }
    const duplicates = processed - seen.size
    console.log(
      `failover: processed ${processed}, distinct ${seen.size}/${total}, duplicates ${duplicates}, ` +
        `commit()=false ${notCommitted}, longest gap after the kill ${(stallMs / 1000).toFixed(1)} s`,
    )
    expect(errors).toEqual([])
    expect(killedAt).toBeGreaterThan(0)
    expect(seen.size).toBe(total) // every message processed at least once
    // One message in hand at a time, its commit awaited before the next: each group event of the failover
    // (the coordinator moving, the broker coming back) can redeliver at most the message whose commit was in flight.
    expect(duplicates).toBeLessThanOrEqual(3)
    expect(duplicates).toBeLessThanOrEqual(notCommitted + 3)
    // kafkajs restarted as a new member; the old one was removed by our LeaveGroup, not by its session expiring
    expect(staleMember).not.toBe('')
    const left = [0, 1, 2]
      .flatMap((i) => kafka.readLog(i).split('\n'))
      .filter((line) => line.includes(staleMember) && /has left group/.test(line))
    console.log(`failover: the old member's removal: ${left[0] ?? '(none)'}`)
    expect(left.some((line) => /explicit `?LeaveGroup/.test(line))).toBe(true)
    // Every offset committed: the group resumes exactly after the last message.
    await expect
      .poll(async () => totalCommitted(await committedOffsets(kafka, groupId, topic)), { timeout: 30_000 })
      .toBe(total)
    await produce(kafka, topic, jsonMessages(10, total))
    const again = new GraceDbKafkaConsumer({ ...opts, autoCommit: true })
    const resumed: number[] = []
    for await (const msg of again.stream({ timeout: 0.5, signal: AbortSignal.timeout(60_000) })) {
      resumed.push((msg.value as { n: number }).n)
      if (resumed.length === 10) break
    }
    await again.close()
    expect(resumed.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => total + i))
  })
})
