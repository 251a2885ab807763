import { readFileSync } from 'node:fs'
import { fixRequestQueueScheduling } from '@gracedb-kafka/core'
import { inject } from 'vitest'
import { withAdmin } from './admin.js'
import type { CreateTopicOptions, KafkaTestCluster } from './cluster.js'
import { ensureTopics } from './ensure-topics.js'
import { createTokenIssuer } from './issuer.js'
import { isAlive, residentBytes } from './jvm-process.js'
import { SHARED_KAFKA_KEY, type SharedKafkaInfo } from './shared-info.js'

// kafkajs#1704/#1751: the tests' own kafkajs clients must not poll idle connections every 1 ms (nor warn on
// Node 24) either. Here, not in admin.ts: the global setup loads admin.ts without the source condition.
fixRequestQueueScheduling(import.meta.url)

declare module 'vitest' {
  export interface ProvidedContext {
    gracedbKafkaTestkit: SharedKafkaInfo
  }
}

/**
 * The broker shared by a whole vitest run: a {@link KafkaTestCluster} without the lifecycle methods (the
 * global setup owns the broker) and without ACLs. `pid()` and `rssBytes()` describe the one broker.
 */
export type SharedKafka = Pick<
  KafkaTestCluster,
  | 'bootstrapServers'
  | 'plaintextBootstrapServers'
  | 'caCertPath'
  | 'issuer'
  | 'version'
  | 'createTopic'
  | 'readLog'
  | 'startupMs'
  | 'pid'
  | 'rssBytes'
>

let cached: Promise<SharedKafka> | undefined

async function build(info: SharedKafkaInfo): Promise<SharedKafka> {
  const issuer = await createTokenIssuer(info.issuer)
  return {
    bootstrapServers: info.bootstrapServers,
    plaintextBootstrapServers: info.plaintextBootstrapServers,
    caCertPath: info.caCertPath,
    version: info.version,
    issuer,
    async createTopic(name: string, opts: CreateTopicOptions = {}): Promise<void> {
      const configEntries = Object.entries(opts.config ?? {}).map(([k, v]) => ({ name: k, value: v }))
      await withAdmin(info.plaintextBootstrapServers.split(','), (admin) =>
        ensureTopics(admin, [
          {
            topic: name,
            numPartitions: opts.partitions ?? info.partitions,
            replicationFactor: 1,
            ...(configEntries.length > 0 ? { configEntries } : {}),
          },
        ]),
      )
    },
    startupMs: info.startupMs,
    pid(): number | undefined {
      return isAlive(info.pid) ? info.pid : undefined
    },
    rssBytes(): number | undefined {
      return isAlive(info.pid) ? residentBytes(info.pid) : undefined
    },
    readLog(): string {
      try {
        return readFileSync(info.logPath, 'utf8')
      } catch {
        return ''
      }
    },
  }
}

/**
 * The broker the `integration` project's global setup started for this run (one per run, 3 partitions by
 * default). Its issuer mints tokens in the worker. Tests needing special broker settings call `startKafka`.
 *
 * @example
 * ```ts
 * import { sharedKafka } from '@gracedb-kafka/testkit/vitest'
 * const kafka = await sharedKafka()
 * process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(await kafka.issuer.mint())
 * ```
 */
export function sharedKafka(): Promise<SharedKafka> {
  if (!cached) {
    const info = inject(SHARED_KAFKA_KEY)
    if (!info) {
      throw new Error(
        "testkit: no shared broker; add '@gracedb-kafka/testkit/global-setup' (packages/testkit/src/global-setup.ts) to this vitest project's globalSetup",
      )
    }
    cached = build(info)
  }
  return cached
}
