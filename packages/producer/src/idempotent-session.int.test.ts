import { toKafkaError } from '@gracedb-kafka/core'
import { type KafkaTestCluster, plaintextKafka, startKafka } from '@gracedb-kafka/testkit'
import { CompressionTypes } from 'kafkajs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { CONNECTIONS } from './cluster-slots.js'
import { IdempotentSession } from './idempotent-session.js'
import { createInternalCluster, type InternalCluster } from './kafkajs-cluster.js'
import { readBack } from './testing/read-back.js'
import { isTransient } from './transient.js'

// The pipelined send path's own kafkajs cluster, on a real broker: when kafkajs's internal state breaks (its
// broker pool without a seed broker made connect() and refreshMetadata() throw TypeErrors in the fault suite's
// R4), the session drops that cluster, reports a retriable failure, and works on a new one.
let kafka: KafkaTestCluster

beforeAll(async () => {
  kafka = await startKafka({ autoCreateTopics: false })
}, 120_000)

afterAll(async () => {
  await kafka?.stop()
})

/** ready(), again while the broker answers retriable errors (a fresh broker loads its coordinators first). */
async function ready(session: IdempotentSession): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      return await session.ready()
    } catch (err) {
      if ((err as { retriable?: boolean }).retriable !== true || Date.now() > deadline) throw err
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

/** A topic of 1 partition and a session over the plaintext listener; `clusters` are the kafkajs clusters it made. */
async function sessionOn(topic: string, clientId: string, partitions = 1) {
  await kafka.createTopic(topic, { partitions })
  const clusters: InternalCluster[] = []
  const client = plaintextKafka(kafka.plaintextBootstrapServers.split(','), { clientId })
  const session = new IdempotentSession(client, (k) => {
    const c = createInternalCluster(k)
    clusters.push(c)
    return c
  })
  return { topic, session, clusters }
}

type Pool = { brokerPool: { seedBroker: unknown; brokers: Record<string, unknown> } }

it('a cluster whose state broke is replaced: the failure is retriable, and the next lookup sends on a new cluster', async () => {
  const { topic, session, clusters } = await sessionOn('gracedb-session.cbc', 'session-test')
  try {
    await ready(session)
    const first = await session.leader(topic, 0, false)
    expect(clusters).toHaveLength(1)

    // What kafkajs's removeBroker did to the pool when its last broker went: no seed broker at all.
    ;(clusters[0] as unknown as Pool).brokerPool.seedBroker = undefined
    const broke = await session.leader(topic, 0, true).catch((e: unknown) => e)
    expect(broke).toMatchObject({ name: 'GraceDbKafkaClusterReset', retriable: true })
    expect((broke as Error).cause).toBeInstanceOf(TypeError)
    expect(isTransient(toKafkaError(broke, { role: 'delivery' }), broke)).toBe(true)
    expect(clusters[0]?.isConnected()).toBe(false) // the broken cluster's connections are closed

    const leader = await session.leader(topic, 0, true)
    expect(clusters).toHaveLength(2)
    expect(leader).not.toBe(first)
    const id = session.begin()
    let placed: { baseOffset: number }
    try {
      const send = await session.encode(leader, id, {
        topic,
        partition: 0,
        firstSequence: 0,
        messages: [{ key: 'k', value: 'after the reset' }],
        compression: CompressionTypes.None,
      })
      placed = await send()
    } finally {
      session.end()
    }
    expect(placed.baseOffset).toBe(0)
    const read = await readBack(kafka.plaintextBootstrapServers, topic, 1)
    expect(read.map((m) => m.value?.toString())).toEqual(['after the reset'])
  } finally {
    await session.close()
  }
}, 60_000)

it('removing every broker from the pool (each send after its connection closed) leaves a usable seed', async () => {
  const { topic, session, clusters } = await sessionOn('gracedb-session.burst', 'session-test-2')
  try {
    await ready(session)
    const before = await session.leader(topic, 0, false)
    const cluster = clusters[0] as InternalCluster
    const [host, port] = kafka.plaintextBootstrapServers.split(',')[0]!.split(':')
    cluster.removeBroker({ host: host!, port: Number(port) })
    expect((cluster as unknown as Pool).brokerPool.brokers).toEqual({})
    expect((cluster as unknown as Pool).brokerPool.seedBroker).toBeDefined()
    const leader = await session.leader(topic, 0, true)
    expect(leader.nodeId).toBe(before.nodeId)
    expect(clusters).toHaveLength(1) // nothing broke: the same cluster reconnected through its seed
  } finally {
    await session.close()
  }
}, 60_000)

it('a leader lookup uses the cached metadata (no Metadata request per message); a refresh asks the broker', async () => {
  const { topic, session, clusters } = await sessionOn('gracedb-session.cached', 'session-test-3')
  try {
    await ready(session)
    const first = await session.leader(topic, 0, false)
    // Count the broker pool's Metadata requests (a counting wrapper around kafkajs's own method).
    const pool = (clusters[0] as unknown as { brokerPool: { refreshMetadata(t: string[]): Promise<void> } })
      .brokerPool
    const refresh = pool.refreshMetadata.bind(pool)
    let requests = 0
    pool.refreshMetadata = (topics) => {
      requests++
      return refresh(topics)
    }
    // What each message of a low-rate producer does: a new lane looks its leader up (and ready() runs).
    for (let i = 0; i < 10; i++) {
      await session.ready()
      expect((await session.leader(topic, 0, false)).nodeId).toBe(first.nodeId)
    }
    expect(requests).toBe(0)
    await session.leader(topic, 0, true) // after a failed send
    expect(requests).toBe(1)
  } finally {
    await session.close()
  }
}, 60_000)

it('spreads partitions over connection slots, one per partition modulo CONNECTIONS, opened only when used', async () => {
  const partitions = CONNECTIONS + 1
  const { topic, session, clusters } = await sessionOn('gracedb-session.spread', 'session-test-4', partitions)
  try {
    await ready(session)
    const first = await session.leader(topic, 0, false)
    expect(clusters).toHaveLength(1) // a producer writing one partition keeps one connection
    const brokers = [first]
    for (let p = 1; p < partitions; p++) brokers.push(await session.leader(topic, p, false))
    expect(clusters).toHaveLength(CONNECTIONS)
    expect(new Set(brokers.slice(0, CONNECTIONS)).size).toBe(CONNECTIONS) // distinct connections...
    expect(brokers[CONNECTIONS]).toBe(brokers[0]) // ...and partition p always on slot p % CONNECTIONS
    // Each partition's batch is written through its slot's connection, under the one producer id.
    const id = session.begin()
    try {
      for (let p = 0; p < partitions; p++) {
        const send = await session.encode(brokers[p]!, id, {
          topic,
          partition: p,
          firstSequence: session.counter(topic, p).next,
          messages: [{ key: `k${p}`, value: `to partition ${p}` }],
          compression: CompressionTypes.None,
        })
        expect((await send()).baseOffset).toBe(0)
      }
    } finally {
      session.end()
    }
    const read = await readBack(kafka.plaintextBootstrapServers, topic, partitions)
    expect(read.map((m) => m.value?.toString()).sort()).toEqual(
      Array.from({ length: partitions }, (_, p) => `to partition ${p}`),
    )
    await session.reset() // after an authentication failure: every slot's connections are dropped
    expect(clusters.every((c) => !c.isConnected())).toBe(true)
  } finally {
    await session.close()
  }
}, 60_000)
