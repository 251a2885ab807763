import type { TestProject } from 'vitest/node'
import { type KafkaTestCluster, startKafka } from './cluster.js'
import { SHARED_KAFKA_KEY, type SharedKafkaInfo } from './shared-info.js'

const PARTITIONS = 3

/**
 * vitest `globalSetup`: starts one real broker (3 partitions) for the whole run, provides its connection info
 * and the issuer's keys to workers (read them with `sharedKafka()` from `@gracedb-kafka/testkit/vitest`), prints
 * its start time and memory, and stops it in teardown.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({ test: { globalSetup: ['@gracedb-kafka/testkit/global-setup'] } })
 * ```
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const kafka: KafkaTestCluster = await startKafka({ partitions: PARTITIONS })
  const rss = kafka.rssBytes()
  console.log(
    `testkit: Kafka ${kafka.version} ready in ${(kafka.startupMs / 1000).toFixed(1)}s, broker RSS ${
      rss === undefined ? '?' : Math.round(rss / 2 ** 20)
    } MB (SASL_SSL ${kafka.bootstrapServers}, PLAINTEXT ${kafka.plaintextBootstrapServers})`,
  )
  const info: SharedKafkaInfo = {
    bootstrapServers: kafka.bootstrapServers,
    plaintextBootstrapServers: kafka.plaintextBootstrapServers,
    caCertPath: kafka.caCertPath,
    version: kafka.version,
    partitions: PARTITIONS,
    logPath: kafka.logPath(),
    startupMs: kafka.startupMs,
    pid: kafka.pid() ?? -1,
    issuer: {
      issuer: kafka.issuer.issuer,
      audience: kafka.issuer.audience,
      privateJwks: kafka.issuer.privateJwks,
    },
  }
  project.provide(SHARED_KAFKA_KEY, info)
  return async () => {
    const end = kafka.rssBytes()
    await kafka.stop()
    if (end !== undefined)
      console.log(`testkit: shared broker stopped (RSS at end ${Math.round(end / 2 ** 20)} MB)`)
  }
}
