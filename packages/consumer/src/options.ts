import {
  type ConnectionOptions,
  type ConnectionOptionsInput,
  clientOptionsSchema,
  explicitOrConfig,
  parseOptions,
  readLibrdkafkaKeys,
  secondsToMs,
} from '@gracedb-kafka/core'
import { z } from 'zod'
import { type KafkaConsumerSettings, splitKafkajsKeys } from './kafkajs-keys.js'

export type { KafkaConsumerSettings } from './kafkajs-keys.js'

/** Where a group without a committed offset starts reading. */
export type AutoOffsetReset = 'latest' | 'earliest'

/** Options of {@link GraceDbKafkaConsumer}: the spec's keyword arguments in camelCase. Durations in seconds. */
export interface ConsumerOptionsInput extends ConnectionOptionsInput {
  /** Pipeline name(s) to subscribe to on first `poll()`/`stream()`; namespaced with the instance name. */
  topics?: string | string[] | undefined
  /** Consumer group id. Default: an ephemeral, unique id (hostname, pid, time). */
  groupId?: string | undefined
  /** Required SciToken scope (default `"kafka.consume"`). */
  tokenScope?: string | undefined
  /** Where a group without a committed offset starts: `'latest'` (default, only new messages) or `'earliest'`. */
  autoOffsetReset?: AutoOffsetReset | undefined
  /**
   * Commit automatically (default `true`): only offsets of messages already handed to the caller, every
   * `autoCommitInterval` seconds, on rebalance and on `close()`. With `false`, call `commit(message)`.
   */
  autoCommit?: boolean | undefined
  /** Seconds between automatic commits (default 5, as librdkafka's `auto.commit.interval.ms`). */
  autoCommitInterval?: number | undefined
  /** Most messages held between fetching and the caller (default 5000); fetching pauses when it is full. */
  maxBufferedMessages?: number | undefined
  /**
   * Most bytes of keys and values held between fetching and the caller (default 64 MiB, as librdkafka's
   * `queued.max.messages.kbytes`, which `kafkaConfig` may set instead); fetching pauses when it is reached. A
   * single larger message is still fetched when nothing is buffered.
   */
  maxBufferedBytes?: number | undefined
  /**
   * Seconds a commit (`commit()`, auto-commit, the final commit of `close()`) keeps retrying across coordinator
   * failovers and re-joins before it fails with `KafkaConsumerError` (default 30).
   */
  commitTimeout?: number | undefined
  /** Deprecated alias of `reloadCred`, as in the reference. */
  autoRefreshToken?: boolean | undefined
  /**
   * Extra configuration, like the reference's `**kafka_config`. librdkafka names that have a kafkajs
   * equivalent are translated (`'enable.auto.commit'`, `'auto.commit.interval.ms'`, `'session.timeout.ms'`,
   * `'heartbeat.interval.ms'`, `'max.poll.interval.ms'`, `'fetch.min.bytes'`, `'fetch.max.bytes'`,
   * `'max.partition.fetch.bytes'`, `'fetch.wait.max.ms'`, `'queued.max.messages.kbytes'`, `'group.id'`,
   * `'auto.offset.reset'`, `'client.id'`, and `'connect.timeout.ms'` (ours: the bound on connecting, default
   * 15 000)), read with core's one table (`LIBRDKAFKA_KEYS`, shared with the producer); an explicit option beats
   * the same setting here (`clientId` over `'client.id'`, `autoCommit` over `'enable.auto.commit'`); other dotted
   * names are rejected. kafkajs consumer options (`sessionTimeout`, `maxBytes`, …) go to the kafkajs consumer;
   * any other key is merged into the kafkajs client config (`logLevel`, `retry`, …).
   */
  kafkaConfig?: Record<string, unknown> | undefined
}

/** Options after parsing and defaulting. */
export interface ConsumerOptions extends ConnectionOptions {
  tokenScope: string
  topics: string[] | undefined
  groupId: string | undefined
  autoOffsetReset: AutoOffsetReset
  autoCommit: boolean
  /** Milliseconds. */
  autoCommitIntervalMs: number
  maxBufferedMessages: number
  /** Bytes of keys and values. */
  maxBufferedBytes: number
  /** Milliseconds a commit keeps retrying. */
  commitTimeoutMs: number
  /** `connect.timeout.ms`: the bound on connecting (token, TCP, TLS, SASL, metadata) before joining. */
  connectTimeoutMs: number
  /** kafkajs consumer settings. */
  consumer: KafkaConsumerSettings
  /** Overrides merged into the kafkajs client config. */
  client: Record<string, unknown>
}

/** librdkafka's `queued.max.messages.kbytes` default, 65536 KiB. */
const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024

const schema = clientOptionsSchema({
  tokenScope: z.string({ error: 'expected a scope string such as "kafka.consume"' }).min(1).optional(),
  topics: z
    .union(
      [
        z.string().min(1),
        z.array(z.string().min(1)).min(1, { error: 'expected at least one pipeline name' }),
      ],
      {
        error: 'expected a pipeline name or an array of pipeline names',
      },
    )
    .optional(),
  groupId: z.string({ error: 'expected a non-empty group id' }).min(1).optional(),
  autoOffsetReset: z
    .enum(['latest', 'earliest'], { error: 'expected "latest" or "earliest"' })
    .default('latest'),
  autoCommit: z.boolean({ error: 'expected true or false' }).optional(),
  autoCommitInterval: z
    .number({ error: 'expected a number of seconds' })
    .positive({ error: 'expected a number of seconds > 0' })
    .finite()
    .optional(),
  maxBufferedMessages: z
    .number({ error: 'expected a whole number >= 1' })
    .int({ error: 'expected a whole number >= 1' })
    .min(1, { error: 'expected a whole number >= 1' })
    .default(5000),
  maxBufferedBytes: z
    .number({ error: 'expected a whole number of bytes >= 1' })
    .int({ error: 'expected a whole number of bytes >= 1' })
    .min(1, { error: 'expected a whole number of bytes >= 1' })
    .optional(),
  commitTimeout: z
    .number({ error: 'expected a number of seconds > 0' })
    .positive({ error: 'expected a number of seconds > 0' })
    .finite({ error: 'expected a number of seconds > 0' })
    .optional(),
  autoRefreshToken: z.boolean({ error: 'expected true or false' }).optional(),
  kafkaConfig: z.record(z.string(), z.unknown(), { error: 'expected an object' }).optional(),
})

/**
 * Validate consumer options once (zod) and resolve defaults; throws `InvalidOptionError` naming the option.
 * Explicit options win over their `kafkaConfig` spelling (`autoCommit` over `'enable.auto.commit'`).
 *
 * @example
 * ```ts
 * const opts = parseConsumerOptions({ bootstrapServers: 'kafka:9092', instanceName: 'gracedb-dev',
 *   kafkaConfig: { 'enable.auto.commit': false } })
 * opts.autoCommit // false
 * ```
 */
export function parseConsumerOptions(input: ConsumerOptionsInput): ConsumerOptions {
  const parsed = parseOptions(schema, input, 'GraceDbKafkaConsumer')
  const { topics, kafkaConfig, autoRefreshToken, autoCommit, autoCommitInterval, commitTimeout, ...rest } =
    parsed
  // Core's one table and one precedence rule: an explicit option beats the same setting in kafkaConfig.
  const { settings, rest: kafkajs } = readLibrdkafkaKeys(kafkaConfig, 'consumer', 'GraceDbKafkaConsumer')
  const { consumer, client } = splitKafkajsKeys(settings, kafkajs)
  if (autoRefreshToken !== undefined) {
    process.emitWarning('autoRefreshToken is deprecated; use reloadCred instead', 'DeprecationWarning')
  }
  const pick = <T>(explicit: T | undefined, key: string, fallback: T): T =>
    explicitOrConfig(explicit, settings, key, fallback)
  const clientId = pick(rest.clientId, 'clientId', undefined as string | undefined)
  return {
    ...rest,
    clientId,
    tokenScope: rest.tokenScope ?? 'kafka.consume',
    reloadCred: autoRefreshToken ?? rest.reloadCred,
    topics: topics === undefined ? undefined : Array.isArray(topics) ? topics : [topics],
    groupId: pick(rest.groupId, 'groupId', undefined as string | undefined),
    autoOffsetReset:
      input.autoOffsetReset !== undefined
        ? rest.autoOffsetReset
        : pick<AutoOffsetReset | undefined>(undefined, 'autoOffsetReset', rest.autoOffsetReset)!,
    autoCommit: pick(autoCommit, 'autoCommit', true),
    autoCommitIntervalMs: pick(
      autoCommitInterval === undefined ? undefined : Math.round(autoCommitInterval * 1000),
      'autoCommitIntervalMs',
      5000,
    ),
    maxBufferedMessages: rest.maxBufferedMessages,
    maxBufferedBytes: pick(rest.maxBufferedBytes, 'maxBufferedBytes', DEFAULT_MAX_BUFFERED_BYTES),
    commitTimeoutMs: secondsToMs(commitTimeout ?? 30, 'commitTimeout') as number,
    connectTimeoutMs: pick(undefined, 'connectTimeoutMs', 15_000),
    consumer,
    client,
  }
}
