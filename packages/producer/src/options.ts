import {
  COMPRESSION_NAMES,
  type CompressionName,
  type ConnectionOptions,
  type ConnectionOptionsInput,
  checkCompressionLevel,
  clientOptionsSchema,
  explicitOrConfig,
  InvalidOptionError,
  parseOptions,
  readLibrdkafkaKeys,
} from '@gracedb-kafka/core'
import { z } from 'zod'

/**
 * Extra client configuration (the spec's `**kafka_config`).
 *
 * - Dotted librdkafka-style keys that mean the same thing here are honoured, read with core's one table
 *   (`LIBRDKAFKA_KEYS`; see {@link ProducerTuning}). An explicit option beats the same setting here: `clientId`
 *   over `client.id`, `compression` over `compression.type`. The keys:
 *   `linger.ms`, `batch.num.messages`, `batch.size`, `message.max.bytes`, `delivery.timeout.ms`,
 *   `max.in.flight.requests.per.connection`, `queue.buffering.max.messages`, `queue.buffering.max.kbytes`,
 *   `compression.type` (`zstd`, `gzip`, `lz4`, `snappy` or `none`), `compression.level`, `client.id`, and
 *   `connect.timeout.ms` (ours: the bound on the first connection). Any other dotted key is rejected, rather than silently ignored.
 * - `producer`: merged into the kafkajs `kafka.producer(...)` configuration.
 * - Every other key is merged last into the kafkajs `new Kafka(...)` configuration (e.g. `connectionTimeout`,
 *   `requestTimeout`, `retry`, `logLevel`).
 */
export type ProducerKafkaConfig = Record<string, unknown>

/** Options of {@link GraceDbKafkaProducer}, as a caller writes them. Durations are in seconds. */
export interface ProducerOptionsInput extends ConnectionOptionsInput {
  /** Default pipeline name (e.g. `"gstlal"`), namespaced with the instance: `"gracedb-dev.gstlal"`. */
  topic?: string | undefined
  /** Required SciToken scope (default `"gracedb.read"`, the scope GraceDB requires for publishing). */
  tokenScope?: string | undefined
  /**
   * Look the SciToken up once at construction (default `true`): a missing, unreadable or expired token throws
   * `KafkaTokenError` there, saying where it looked and how to get one (htgettoken). `false` when the token
   * only appears after construction.
   */
  validateToken?: boolean | undefined
  /**
   * Check the broker's topics in `connect()` (and `create()`, the first `produce()`, `ping()` and
   * `createEvent`), default `true`: the default topic must exist and be authorised, or without one the
   * broker must have a topic for the instance. `false` for a producer that starts before its broker.
   */
  checkForTopics?: boolean | undefined
  /** Batch compression (default `"zstd"`, as ligo-gracedb's `compression.type`). */
  compression?: CompressionName | undefined
  /**
   * `compression.level`: zstd -1 … 12 (default 1), gzip -1 … 9 (default 6); -1 is the codec library's default
   * (zstd 3, gzip 6), as in librdkafka. Not given, zstd batches are level 1: about 3× less compression CPU than
   * librdkafka's level 3, output within a few percent; `3` writes what the reference writes. LZ4, snappy and
   * `none` take only -1. Needs guaranteed delivery (the idempotent send path); without it batches are compressed
   * at the codec's default.
   */
  compressionLevel?: number | undefined
  /** Seconds `createEvent` waits for delivery when it flushes the producer (default 10). */
  flushTimeout?: number | undefined
  /**
   * `true` (default): `acks=all` and an idempotent producer; retriable failures are sent again (same producer
   * id and sequence numbers) until `delivery.timeout.ms`. `false`: `acks=1`, no idempotence: a message
   * acknowledged by a leader that then fails is lost, and a retried request can be written twice. With `true`
   * up to `max.in.flight.requests.per.connection` (5) batches per partition are in flight; with `false` one
   * request per partition.
   */
  guaranteedDelivery?: boolean | undefined
  /**
   * Deprecated alias of `reloadCred`, accepted as the spec's producer accepts it; when given it wins over
   * `reloadCred`, and a `DeprecationWarning` is emitted.
   */
  autoRefreshToken?: boolean | undefined
  /** Extra client configuration; see {@link ProducerKafkaConfig}. */
  kafkaConfig?: ProducerKafkaConfig | undefined
}

/** Batching and delivery limits, from the dotted keys of `kafkaConfig`. */
export interface ProducerTuning {
  /**
   * `linger.ms` (or its alias `queue.buffering.max.ms`; default 5): how long the first queued message waits for
   * others to join its batch. Not given ({@link ProducerTuning.adaptiveLinger}): a message that finds nothing of
   * the producer in flight or queued is sent at once, and messages lingering when the producer falls idle are
   * sent then; while batches are in flight messages linger up to 5 ms, so batches still form under load. Given
   * (any value, 5 included): every batch lingers exactly that long, as librdkafka does.
   */
  lingerMs: number
  /** `true` when `linger.ms` was not given: the linger applies only while something is in flight. */
  adaptiveLinger: boolean
  /** `batch.num.messages` (default 1000): messages per produce request at most. */
  batchNumMessages: number
  /** `batch.size` (default 1,000,000): estimated bytes per produce request at most (broker limit ~1 MiB). */
  batchSize: number
  /** `message.max.bytes` (default 10 MiB, as ligo-gracedb): a larger message is refused at `produce()`. */
  messageMaxBytes: number
  /** `delivery.timeout.ms` (default 30,000, as ligo-gracedb): time from `produce()` to a final report. */
  deliveryTimeoutMs: number
  /**
   * `max.in.flight.requests.per.connection` (default 5). With guaranteed delivery (idempotent): at most 5
   * (the broker de-duplicates a producer's last 5 batches per partition), and the number of batches per
   * partition in flight. Without it the sender keeps one request per partition in flight (kafkajs `sendBatch`).
   */
  maxInFlight: number
  /** `queue.buffering.max.messages` (default 1,000,000): `produce()` refuses more queued messages. */
  queueMaxMessages: number
  /** `queue.buffering.max.kbytes` (default 1,048,576 = 1 GiB): `produce()` refuses more queued bytes. */
  queueMaxBytes: number
  /** `connect.timeout.ms` (default 15,000): the bound on establishing the first connection. */
  connectTimeoutMs: number
  /** `compression.type`: `zstd` (default), `gzip`, `lz4`, `snappy` or `none`. */
  compression: CompressionName
  /** `compression.level`, when given (else the codec's level in gracedb-kafka: zstd 1, gzip 6). */
  compressionLevel?: number | undefined
  /** `client.id`, if given. */
  clientId?: string | undefined
}

/** Options after parsing: defaults applied and `kafkaConfig` split into kafkajs config and tuning. */
export interface ProducerOptions extends ConnectionOptions {
  tokenScope: string
  validateToken: boolean
  checkForTopics: boolean
  topic?: string | undefined
  flushTimeout: number
  guaranteedDelivery: boolean
  /** kafkajs client config overrides (the non-dotted keys, without `producer`). */
  kafkaConfig: Record<string, unknown>
  /** kafkajs producer config overrides (`kafkaConfig.producer`). */
  producerConfig: Record<string, unknown>
  tuning: ProducerTuning
}

const schema = clientOptionsSchema({
  tokenScope: z
    .string({ error: 'expected a scope string such as "gracedb.read"' })
    .min(1, { error: 'expected a non-empty scope string' })
    .default('gracedb.read'),
  topic: z
    .string({ error: 'expected a pipeline name such as "gstlal"' })
    .min(1, { error: 'expected a non-empty pipeline name' })
    .optional(),
  flushTimeout: z
    .number({ error: 'expected a number of seconds' })
    .finite({ error: 'expected a finite number of seconds' })
    .nonnegative({ error: 'expected a number of seconds >= 0' })
    .default(10),
  guaranteedDelivery: z.boolean({ error: 'expected true or false' }).default(true),
  validateToken: z.boolean({ error: 'expected true or false' }).default(true),
  checkForTopics: z.boolean({ error: 'expected true or false' }).default(true),
  compression: z
    .enum(COMPRESSION_NAMES as [CompressionName, ...CompressionName[]], {
      error: `expected one of ${COMPRESSION_NAMES.join(', ')}`,
    })
    .optional(),
  compressionLevel: z
    .number({ error: 'expected an integer compression level' })
    .int({ error: 'expected an integer compression level' })
    .optional(),
  autoRefreshToken: z.boolean({ error: 'expected true or false' }).optional(),
  kafkaConfig: z
    .record(z.string(), z.unknown(), { error: 'expected an object of client configuration' })
    .optional(),
})

/**
 * Split `kafkaConfig` into kafkajs client config, kafkajs producer config and {@link ProducerTuning}.
 * Throws {@link InvalidOptionError} naming `kafkaConfig.<key>` for a bad or unsupported dotted key.
 *
 * @example
 * ```ts
 * splitKafkaConfig({ 'linger.ms': 10, requestTimeout: 5000 }, true).tuning.lingerMs // 10
 * ```
 */
export function splitKafkaConfig(
  config: Record<string, unknown> | undefined,
  guaranteedDelivery: boolean,
): { kafkaConfig: Record<string, unknown>; producerConfig: Record<string, unknown>; tuning: ProducerTuning } {
  const tuning: ProducerTuning = {
    lingerMs: 5,
    adaptiveLinger: true,
    batchNumMessages: 1000,
    batchSize: 1_000_000,
    messageMaxBytes: 10_485_760,
    deliveryTimeoutMs: 30_000,
    maxInFlight: 5,
    queueMaxMessages: 1_000_000,
    queueMaxBytes: 1_048_576 * 1024,
    connectTimeoutMs: 15_000,
    compression: 'zstd',
  }
  const kafkaConfig: Record<string, unknown> = {}
  let producerConfig: Record<string, unknown> = {}
  const bad = (key: string, why: string): never => {
    throw new InvalidOptionError(
      `kafkaConfig.${key}`,
      `GraceDbKafkaProducer: option "kafkaConfig.${key}": ${why}`,
    )
  }
  const { settings, rest } = readLibrdkafkaKeys(config, 'producer', 'GraceDbKafkaProducer')
  for (const [key, value] of Object.entries(rest)) {
    if (key !== 'producer') {
      kafkaConfig[key] = value
      continue
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      bad(key, 'expected an object merged into the kafkajs producer configuration')
    }
    producerConfig = { ...(value as Record<string, unknown>) }
  }
  Object.assign(tuning, settings)
  if ((settings as Partial<ProducerTuning>).lingerMs !== undefined) tuning.adaptiveLinger = false
  if (guaranteedDelivery && tuning.maxInFlight > 5) {
    bad(
      'max.in.flight.requests.per.connection',
      'must be at most 5 with guaranteedDelivery (the broker de-duplicates only the last 5 batches of a producer)',
    )
  }
  return { kafkaConfig, producerConfig, tuning }
}

/** Settle `tuning.compressionLevel`: the explicit option beats `compression.level`; checked for the codec. */
function checkLevel(
  tuning: ProducerTuning,
  explicit: number | undefined,
  producerConfig: Record<string, unknown>,
  guaranteedDelivery: boolean,
): void {
  const level = explicit ?? tuning.compressionLevel
  if (level === undefined) return
  const option = explicit === undefined ? 'kafkaConfig.compression.level' : 'compressionLevel'
  checkCompressionLevel(tuning.compression, level, option, 'GraceDbKafkaProducer')
  const idempotent = Object.hasOwn(producerConfig, 'idempotent')
    ? producerConfig.idempotent === true
    : guaranteedDelivery
  if (!idempotent) {
    throw new InvalidOptionError(
      option,
      `GraceDbKafkaProducer: option "${option}": needs guaranteed delivery (the idempotent producer); without it kafkajs compresses at the codec's default level`,
    )
  }
  tuning.compressionLevel = level
}

/**
 * Validate producer options once, apply the spec's defaults, and split `kafkaConfig`.
 * Throws {@link InvalidOptionError} naming the first bad option.
 *
 * @example
 * ```ts
 * const opts = parseProducerOptions({ bootstrapServers: 'localhost:9092', instanceName: 'gracedb-dev' })
 * opts.tokenScope // 'gracedb.read'
 * opts.flushTimeout // 10
 * ```
 */
export function parseProducerOptions(input: ProducerOptionsInput): ProducerOptions {
  const parsed = parseOptions(schema, input, 'GraceDbKafkaProducer')
  const { kafkaConfig, autoRefreshToken, compression, compressionLevel, ...rest } = parsed
  if (autoRefreshToken !== undefined) {
    process.emitWarning('autoRefreshToken is deprecated; use reloadCred instead', 'DeprecationWarning')
  }
  const split = splitKafkaConfig(kafkaConfig, parsed.guaranteedDelivery)
  // Core's one precedence rule: an explicit option beats the same setting in kafkaConfig.
  const { tuning } = split
  const fromConfig = { ...tuning } as Record<string, unknown>
  tuning.compression = explicitOrConfig(compression, fromConfig, 'compression', tuning.compression)
  checkLevel(tuning, compressionLevel, split.producerConfig, parsed.guaranteedDelivery)
  const clientId = explicitOrConfig(rest.clientId, fromConfig, 'clientId', undefined as string | undefined)
  if (clientId === undefined) delete tuning.clientId
  else tuning.clientId = clientId
  return {
    ...(rest as Omit<ProducerOptions, 'kafkaConfig' | 'producerConfig' | 'tuning'>),
    clientId,
    reloadCred: autoRefreshToken ?? rest.reloadCred,
    ...split,
  }
}
