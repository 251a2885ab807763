import { describe, expect, it } from 'vitest'
import { plaintextKafka } from './admin.js'
import { ensureTopics } from './ensure-topics.js'
import { sharedKafka } from './vitest.js'

describe('ensureTopics', () => {
  it('several clients creating the same topics at once all succeed, and every partition has a leader', async () => {
    const kafka = await sharedKafka()
    const client = plaintextKafka(kafka.plaintextBootstrapServers.split(','), { patient: true })
    const stamp = Date.now().toString(36)
    const specs = ['a', 'b', 'c'].map((x) => ({ topic: `ensure-${stamp}-${x}`, numPartitions: 3 }))
    const admins = Array.from({ length: 6 }, () => client.admin())
    await Promise.all(admins.map((a) => a.connect()))
    try {
      const results = await Promise.allSettled(admins.map((a) => ensureTopics(a, specs)))
      expect(results.map((r) => r.status)).toEqual(Array(6).fill('fulfilled'))
      const meta = await admins[0]!.fetchTopicMetadata({ topics: specs.map((s) => s.topic) })
      for (const t of meta.topics) {
        expect(t.partitions).toHaveLength(3)
        expect(t.partitions.every((p) => p.leader >= 0)).toBe(true)
      }
    } finally {
      await Promise.all(admins.map((a) => a.disconnect()))
    }
  })

  it('every partition takes writes as soon as it returns: a producer without retries writes each at once', async () => {
    // KRaft publishes a new partition's leader before the broker opens its log; a produce in between is
    // answered NOT_LEADER_OR_FOLLOWER (7 of 720 first writes on a loaded machine, when the wait ended at the leader).
    const kafka = await sharedKafka()
    const client = plaintextKafka(kafka.plaintextBootstrapServers.split(','), { patient: true })
    const admin = client.admin()
    const producer = client.producer({ retry: { retries: 0 } })
    await Promise.all([admin.connect(), producer.connect()])
    try {
      const stamp = Date.now().toString(36)
      const refused: string[] = []
      for (let i = 0; i < 20; i++) {
        const topic = `ensure-${stamp}-writable-${i}`
        await ensureTopics(admin, [{ topic, numPartitions: 4 }])
        for (let partition = 0; partition < 4; partition++) {
          await producer
            .send({ topic, messages: [{ partition, value: 'first' }] })
            .catch((err: unknown) => refused.push(`${topic}/${partition}: ${(err as Error).message}`))
        }
      }
      expect(refused).toEqual([])
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()])
    }
  }, 60_000)

  it('accepts topics that already exist, and throws a permanent error at once instead of retrying it', async () => {
    const kafka = await sharedKafka()
    const admin = plaintextKafka(kafka.plaintextBootstrapServers.split(','), { patient: true }).admin()
    await admin.connect()
    try {
      const topic = `ensure-${Date.now().toString(36)}-existing`
      await ensureTopics(admin, [{ topic, numPartitions: 2 }])
      // kafkajs answers false for topics that exist: still fine, and the partitions are untouched.
      await ensureTopics(admin, [{ topic, numPartitions: 2 }])
      expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions).toHaveLength(2)

      // One broker cannot hold 3 replicas: a non-retriable error, thrown well before the 30 s timeout.
      const started = Date.now()
      const error = await ensureTopics(
        admin,
        [{ topic: `${topic}-rf3`, replicationFactor: 3 }],
        30_000,
      ).catch((err: unknown) => err as { errors?: { type?: string }[] })
      expect(error?.errors?.map((e) => e.type)).toEqual(['INVALID_REPLICATION_FACTOR'])
      expect(Date.now() - started).toBeLessThan(10_000)
    } finally {
      await admin.disconnect()
    }
  })
})
