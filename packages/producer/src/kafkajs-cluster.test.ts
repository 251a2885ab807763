import { Kafka, logLevel } from 'kafkajs'
import { expect, it } from 'vitest'
import { createInternalCluster, METADATA_MAX_AGE_MS } from './kafkajs-cluster.js'

// kafkajs's cluster factory has no default metadata age: without one, the broker pool's is 0 and every
// refreshMetadataIfNecessary() is a Metadata request (one per message before its Produce at a low rate).
it('the internal cluster keeps its metadata for the default age of kafka.producer()', () => {
  const kafka = new Kafka({ clientId: 'cluster-test', brokers: ['127.0.0.1:9'], logLevel: logLevel.NOTHING })
  const cluster = createInternalCluster(kafka) as unknown as { brokerPool: { metadataMaxAge: number } }
  expect(METADATA_MAX_AGE_MS).toBe(300_000)
  expect(cluster.brokerPool.metadataMaxAge).toBe(METADATA_MAX_AGE_MS)
})
