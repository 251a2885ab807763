import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type KafkaTestCluster, startKafka } from './cluster.js'
import { consume, produce, saslClient } from './fixtures/clients.js'

describe('3-broker cluster', () => {
  let kafka: KafkaTestCluster
  beforeAll(async () => {
    kafka = await startKafka({ brokers: 3, log: () => {} })
  }, 120_000)
  afterAll(async () => {
    await kafka?.stop()
  })

  it('starts three brokers and survives one of them stopping', async () => {
    expect(kafka.bootstrapServers.split(',')).toHaveLength(3)
    expect(kafka.plaintextBootstrapServers.split(',')).toHaveLength(3)
    console.log(
      `testkit: 3-broker cluster ready in ${(kafka.startupMs / 1000).toFixed(1)}s, RSS ${[0, 1, 2]
        .map((i) => Math.round((kafka.rssBytes(i) ?? 0) / 2 ** 20))
        .join('/')} MB`,
    )
    await kafka.createTopic('replicated', { partitions: 3 })
    const client = saslClient(kafka, await kafka.issuer.mint(), { retries: 8 })
    await produce(client, 'replicated', ['a', 'b', 'c'])

    await kafka.stopBroker(1)
    expect(kafka.pid(1)).toBeUndefined()
    await produce(client, 'replicated', ['d'])
    const values = await consume(client, 'replicated', 4)
    expect(values.sort()).toEqual(['a', 'b', 'c', 'd'])

    await kafka.startBroker(1)
    expect(kafka.pid(1)).toBeGreaterThan(0)
  })
})
