import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import { beforeAll, describe, expect, it } from 'vitest'
import { GraceDbKafkaConsumer } from './consumer.js'
import {
  committedOffsets,
  consumerOptions,
  jsonMessages,
  produce,
  totalCommitted,
  uniq,
  useToken,
} from './testing/helpers.js'

let kafka: SharedKafka

beforeAll(async () => {
  kafka = await sharedKafka()
  await useToken(kafka)
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('rebalance between two consumers of one group', () => {
  it('a second consumer joins and later leaves: nothing lost, duplicates only for uncommitted messages', async () => {
    const instance = `cr${uniq()}`
    const topic = `${instance}.test`
    const total = 3000
    await kafka.createTopic(topic, { partitions: 4 })
    await produce(kafka, topic, jsonMessages(total))
    const groupId = `rebalance-${uniq()}`
    const opts = consumerOptions(kafka, instance, { topics: 'test', groupId, autoOffsetReset: 'earliest' })
    const seenBy: Record<'a' | 'b', number[]> = { a: [], b: [] }
    const union = new Set<number>()
    const a = new GraceDbKafkaConsumer(opts)
    const b = new GraceDbKafkaConsumer(opts)
    let slow = true // a slow caller while both rebalances happen, so they happen mid-stream
    const run = async (who: 'a' | 'b', c: GraceDbKafkaConsumer) => {
      for await (const m of c.stream({ timeout: 0.5 })) {
        const n = (m.value as { n: number }).n
        seenBy[who].push(n)
        union.add(n)
        if (union.size === total) a.stop()
        if (slow) await sleep(5)
      }
    }
    const deadline = Date.now() + 120_000
    const runA = run('a', a)
    while (seenBy.a.length < 100 && Date.now() < deadline) await sleep(50)
    const runB = run('b', b) // joins: the group rebalances
    while (seenBy.b.length < 100 && Date.now() < deadline) await sleep(50)
    await b.close() // leaves: the group rebalances again
    await runB
    const seenByA = seenBy.a.length
    while (seenBy.a.length < seenByA + 100 && Date.now() < deadline) await sleep(50) // A took B's partitions over
    slow = false
    await Promise.race([runA, sleep(Math.max(0, deadline - Date.now())).then(() => a.stop())])
    await a.close()
    expect(seenBy.b.length).toBeGreaterThanOrEqual(100)
    expect(union.size).toBe(total) // nothing lost
    const duplicates = seenBy.a.length + seenBy.b.length - total
    // Each rebalance may redeliver at most the one message each consumer was processing (handed out, not yet
    // committed); everything fetched but not handed out was dropped, everything handed out was committed.
    expect(duplicates).toBeLessThanOrEqual(4)
    expect(totalCommitted(await committedOffsets(kafka, groupId, topic))).toBe(total)
  })
})
