import { setTimeout as sleep } from 'node:timers/promises'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import { beforeAll, describe, expect, it } from 'vitest'
import { GraceDbKafkaConsumer } from './consumer.js'
import {
  committedOffsets,
  consumerOptions,
  freshTopic,
  jsonMessages,
  produce,
  recordCount,
  totalCommitted,
  uniq,
  useToken,
} from './testing/helpers.js'

let kafka: SharedKafka

beforeAll(async () => {
  kafka = await sharedKafka()
  await useToken(kafka)
})

describe('rebalance between two consumers of one group', () => {
  it('a second consumer joins and later leaves: nothing lost, duplicates only for uncommitted messages', async () => {
    const total = 3000
    const { instance, topic } = await freshTopic(kafka, 'test', 4)
    await produce(kafka, topic, jsonMessages(total))
    // the log holds each message once, so every extra delivery below is the consumer's doing
    expect(await recordCount(kafka, topic)).toBe(total)
    const groupId = `rebalance-${uniq()}`
    const opts = consumerOptions(kafka, instance, { topics: 'test', groupId, autoOffsetReset: 'earliest' })
    const seenBy: Record<'a' | 'b', number[]> = { a: [], b: [] }
    const partitionsOf: Record<'a' | 'b', Set<number>> = { a: new Set(), b: new Set() }
    let firstFromBsPartitionsAt = 0 // when A first got a message of a partition B had owned, after B left
    let bLeftAt = 0
    const union = new Set<number>()
    const deliveries: { who: 'a' | 'b'; partition: number; offset: number }[] = []
    const a = new GraceDbKafkaConsumer(opts)
    const b = new GraceDbKafkaConsumer(opts)
    let slow = true // a slow caller while both rebalances happen, so they happen mid-stream
    const run = async (who: 'a' | 'b', c: GraceDbKafkaConsumer) => {
      for await (const m of c.stream({ timeout: 0.5 })) {
        const n = (m.value as { n: number }).n
        seenBy[who].push(n)
        deliveries.push({ who, partition: m.partition, offset: Number(m.offset) })
        partitionsOf[who].add(m.partition)
        if (who === 'a' && bLeftAt > 0 && firstFromBsPartitionsAt === 0 && partitionsOf.b.has(m.partition)) {
          firstFromBsPartitionsAt = Date.now()
        }
        union.add(n)
        if (union.size === total) a.stop()
        if (slow) await sleep(5)
      }
    }
    const until = { timeout: 60_000, interval: 50 }
    const runA = run('a', a)
    try {
      await expect.poll(() => seenBy.a.length, until).toBeGreaterThanOrEqual(100)
      const runB = run('b', b) // joins: the group rebalances
      await expect.poll(() => seenBy.b.length, until).toBeGreaterThanOrEqual(100)
      await b.close() // leaves: the group rebalances again
      bLeftAt = Date.now()
      await runB
      const seenByA = seenBy.a.length
      await expect.poll(() => seenBy.a.length, until).toBeGreaterThanOrEqual(seenByA + 100) // A took B's partitions
      slow = false
      await expect.poll(() => union.size, until).toBe(total) // A stops itself once every message was seen
      await runA
    } finally {
      a.stop()
      await b.close() // idempotent: a no-op unless an expectation above failed first
      await a.close()
    }
    expect(seenBy.b.length).toBeGreaterThanOrEqual(100)
    expect(union.size).toBe(total) // nothing lost
    // B left the group cleanly (LeaveGroup): A took B's partitions over within seconds. Had B just vanished, the
    // group would have waited for B's session to time out (30 s by default) first.
    expect(partitionsOf.b.size).toBeGreaterThan(0)
    expect(firstFromBsPartitionsAt).toBeGreaterThan(0)
    expect(firstFromBsPartitionsAt - bLeftAt).toBeLessThan(15_000)
    const duplicates = seenBy.a.length + seenBy.b.length - total
    // Precisely: a message delivered twice is one whose offset had not been committed when its partition moved.
    // stream() commits everything handed out except the message the caller is still processing, so a redelivered
    // message must be the last one its first receiver got from that partition before the redelivery.
    const first = new Map<string, number>() // partition:offset -> index of its first delivery
    let redeliveries = 0
    deliveries.forEach((d, i) => {
      const key = `${d.partition}:${d.offset}`
      const at = first.get(key)
      if (at === undefined) {
        first.set(key, i)
        return
      }
      redeliveries++
      const by = deliveries[at]?.who
      const laterFromSamePartition = deliveries
        .slice(at + 1, i)
        .filter((e) => e.who === by && e.partition === d.partition && e.offset > d.offset)
      expect(laterFromSamePartition, `redelivered ${key} had been followed by more of its partition`).toEqual(
        [],
      )
    })
    expect(redeliveries).toBe(duplicates)
    // Each rebalance may redeliver at most the one message each consumer was processing (handed out, not yet
    // committed); everything fetched but not handed out was dropped, everything handed out was committed.
    // When B joins, B has processed nothing yet (it receives messages only once that rebalance is done): A's one
    // message. When B leaves: one of A's and one of B's. Hence at most 3.
    expect(duplicates).toBeLessThanOrEqual(3)
    expect(totalCommitted(await committedOffsets(kafka, groupId, topic))).toBe(total)
  })
})
