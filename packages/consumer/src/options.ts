import {
  type ConnectionOptions,
  type ConnectionOptionsInput,
  connectionOptionsShape,
  InvalidOptionError,
  parseOptions,
  refineConnectionOptions,
  secondsToMs,
} from '@gracedb-kafka/core'
import { z } from 'zod'

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
   * `'max.partition.fetch.bytes'`, `'fetch.wait.max.ms'`, `'group.id'`, `'auto.offset.reset'`, `'client.id'`,
   * and `'connect.timeout.ms'` (ours: the bound on connecting, default 15 000));
   * other dotted names are rejected. kafkajs consumer options (`sessionTimeout`, `maxBytes`, …) go to the
   * kafkajs consumer; any other key is merged into the kafkajs client config (`logLevel`, `retry`, …).
   */
  kafkaConfig?: Record<string, unknown> | undefined
}

/** kafkajs consumer settings (a structural subset of kafkajs's `ConsumerConfig`). */
export interface KafkaConsumerSettings {
  sessionTimeout?: number
  rebalanceTimeout?: number
  heartbeatInterval?: number
  metadataMaxAge?: number
  allowAutoTopicCreation?: boolean
  maxBytesPerPartition?: number
  minBytes?: number
  maxBytes?: number
  maxWaitTimeInMs?: number
  maxInFlightRequests?: number
  readUncommitted?: boolean
  rackId?: string
  retry?: Record<string, unknown>
  partitionAssigners?: unknown[]
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
  /** Milliseconds a commit keeps retrying. */
  commitTimeoutMs: number
  /** `connect.timeout.ms`: the bound on connecting (token, TCP, TLS, SASL, metadata) before joining. */
  connectTimeoutMs: number
  /** kafkajs consumer settings. */
  consumer: KafkaConsumerSettings
  /** Overrides merged into the kafkajs client config. */
  client: Record<string, unknown>
}

const schema = refineConnectionOptions(
  z.strictObject({
    ...connectionOptionsShape,
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
    commitTimeout: z
      .number({ error: 'expected a number of seconds > 0' })
      .positive({ error: 'expected a number of seconds > 0' })
      .finite({ error: 'expected a number of seconds > 0' })
      .optional(),
    autoRefreshToken: z.boolean({ error: 'expected true or false' }).optional(),
    kafkaConfig: z.record(z.string(), z.unknown(), { error: 'expected an object' }).optional(),
  }),
)

const CONSUMER_KEYS = new Set<keyof KafkaConsumerSettings>([
  'sessionTimeout',
  'rebalanceTimeout',
  'heartbeatInterval',
  'metadataMaxAge',
  'allowAutoTopicCreation',
  'maxBytesPerPartition',
  'minBytes',
  'maxBytes',
  'maxWaitTimeInMs',
  'maxInFlightRequests',
  'readUncommitted',
  'rackId',
  'retry',
  'partitionAssigners',
])

/** librdkafka consumer properties with a kafkajs equivalent: where each goes. */
const LIBRDKAFKA: Record<string, { to: string; kind: 'int' | 'bool' | 'string' | 'reset' }> = {
  'enable.auto.commit': { to: 'autoCommit', kind: 'bool' },
  'auto.commit.interval.ms': { to: 'autoCommitIntervalMs', kind: 'int' },
  'auto.offset.reset': { to: 'autoOffsetReset', kind: 'reset' },
  'group.id': { to: 'groupId', kind: 'string' },
  'client.id': { to: 'clientId', kind: 'string' },
  'connect.timeout.ms': { to: 'connectTimeoutMs', kind: 'int' },
  'session.timeout.ms': { to: 'consumer.sessionTimeout', kind: 'int' },
  'heartbeat.interval.ms': { to: 'consumer.heartbeatInterval', kind: 'int' },
  'max.poll.interval.ms': { to: 'consumer.rebalanceTimeout', kind: 'int' },
  'fetch.min.bytes': { to: 'consumer.minBytes', kind: 'int' },
  'fetch.max.bytes': { to: 'consumer.maxBytes', kind: 'int' },
  'max.partition.fetch.bytes': { to: 'consumer.maxBytesPerPartition', kind: 'int' },
  'fetch.wait.max.ms': { to: 'consumer.maxWaitTimeInMs', kind: 'int' },
  'allow.auto.create.topics': { to: 'consumer.allowAutoTopicCreation', kind: 'bool' },
}

const RESET: Record<string, AutoOffsetReset> = {
  earliest: 'earliest',
  smallest: 'earliest',
  beginning: 'earliest',
  latest: 'latest',
  largest: 'latest',
  end: 'latest',
}

function convert(key: string, kind: 'int' | 'bool' | 'string' | 'reset', raw: unknown): unknown {
  const fail = (expected: string): never => {
    throw new InvalidOptionError(
      `kafkaConfig.${key}`,
      `GraceDbKafkaConsumer: option "kafkaConfig.${key}": expected ${expected}`,
    )
  }
  switch (kind) {
    case 'bool':
      if (typeof raw === 'boolean') return raw
      if (raw === 'true' || raw === 'false') return raw === 'true'
      return fail('true or false')
    case 'int': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw
      if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n
      return fail('a whole number >= 0')
    }
    case 'string':
      if (typeof raw === 'string' && raw.length > 0) return raw
      return fail('a non-empty string')
    case 'reset':
      if (typeof raw === 'string' && RESET[raw] !== undefined) return RESET[raw]
      return fail('"earliest" or "latest"')
  }
}

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
  const fromConfig: Record<string, unknown> = {}
  const consumer: Record<string, unknown> = {}
  const client: Record<string, unknown> = {}
  for (const [key, raw] of Object.entries(kafkaConfig ?? {})) {
    if (raw === undefined) continue
    const mapped = LIBRDKAFKA[key]
    if (mapped) {
      const value = convert(key, mapped.kind, raw)
      if (mapped.to.startsWith('consumer.')) consumer[mapped.to.slice('consumer.'.length)] = value
      else fromConfig[mapped.to] = value
    } else if (key.includes('.')) {
      throw new InvalidOptionError(
        `kafkaConfig.${key}`,
        `GraceDbKafkaConsumer: option "kafkaConfig.${key}": this librdkafka property has no kafkajs equivalent; ` +
          `supported: ${Object.keys(LIBRDKAFKA).join(', ')}, or kafkajs option names`,
      )
    } else if (CONSUMER_KEYS.has(key as keyof KafkaConsumerSettings)) {
      consumer[key] = raw
    } else {
      client[key] = raw
    }
  }
  if (autoRefreshToken !== undefined) {
    process.emitWarning('autoRefreshToken is deprecated; use reloadCred instead', 'DeprecationWarning')
  }
  const pick = <T>(explicit: T | undefined, key: string, fallback: T): T =>
    explicit !== undefined ? explicit : key in fromConfig ? (fromConfig[key] as T) : fallback
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
    commitTimeoutMs: secondsToMs(commitTimeout ?? 30, 'commitTimeout') as number,
    connectTimeoutMs: Math.max(1, pick(undefined, 'connectTimeoutMs', 15_000)),
    consumer: consumer as KafkaConsumerSettings,
    client,
  }
}
