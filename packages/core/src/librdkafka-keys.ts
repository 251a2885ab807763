import { COMPRESSION_NAMES } from './codecs/types.js'
import { InvalidOptionError } from './errors.js'

/** Which gracedb-kafka client reads a `kafkaConfig` key. */
export type KafkaClientRole = 'producer' | 'consumer'

/** How the value of a librdkafka-style key is read. */
export type LibrdkafkaKind = 'int' | 'bool' | 'string' | 'offset-reset' | 'compression'

/** One row of {@link LIBRDKAFKA_KEYS}. */
export interface LibrdkafkaKey {
  /**
   * The setting it means: an option name (`clientId`, `autoCommit`), a parsed field (`lingerMs`), or
   * `consumer.<name>` for a kafkajs consumer setting.
   */
  readonly option: string
  readonly kind: LibrdkafkaKind
  /** The clients that accept it; any other client refuses it. */
  readonly clients: readonly KafkaClientRole[]
  /** Smallest integer accepted (kind `int`; default 0). */
  readonly min?: number
  /** Factor applied to the integer (`queue.buffering.max.kbytes` is in KiB, the setting in bytes). */
  readonly scale?: number
}

const P: readonly KafkaClientRole[] = ['producer']
const C: readonly KafkaClientRole[] = ['consumer']
const BOTH: readonly KafkaClientRole[] = ['producer', 'consumer']

/**
 * The one table of librdkafka-style `kafkaConfig` keys (the reference's `**kafka_config`) gracedb-kafka
 * understands: key → the setting it means, how its value is read, and which clients accept it.
 *
 * The precedence rule, for every key and both clients: **an explicit option beats the same setting in
 * `kafkaConfig`** (`clientId` over `'client.id'`, `autoCommit` over `'enable.auto.commit'`, `compression` over
 * `'compression.type'`). A dotted key that is not in the table (or not for that client) is refused with
 * `InvalidOptionError` naming `kafkaConfig.<key>`; a key without a dot goes to kafkajs as is.
 *
 * @example
 * ```ts
 * LIBRDKAFKA_KEYS['client.id'] // { option: 'clientId', kind: 'string', clients: ['producer', 'consumer'] }
 * ```
 */
export const LIBRDKAFKA_KEYS: Readonly<Record<string, LibrdkafkaKey>> = {
  'client.id': { option: 'clientId', kind: 'string', clients: BOTH },
  'connect.timeout.ms': { option: 'connectTimeoutMs', kind: 'int', clients: BOTH, min: 1 },
  // producer
  'linger.ms': { option: 'lingerMs', kind: 'int', clients: P },
  'queue.buffering.max.ms': { option: 'lingerMs', kind: 'int', clients: P },
  'batch.num.messages': { option: 'batchNumMessages', kind: 'int', clients: P, min: 1 },
  'batch.size': { option: 'batchSize', kind: 'int', clients: P, min: 1 },
  'message.max.bytes': { option: 'messageMaxBytes', kind: 'int', clients: P, min: 1 },
  'delivery.timeout.ms': { option: 'deliveryTimeoutMs', kind: 'int', clients: P, min: 1 },
  'message.timeout.ms': { option: 'deliveryTimeoutMs', kind: 'int', clients: P, min: 1 },
  'max.in.flight.requests.per.connection': { option: 'maxInFlight', kind: 'int', clients: P, min: 1 },
  'max.in.flight': { option: 'maxInFlight', kind: 'int', clients: P, min: 1 },
  'queue.buffering.max.messages': { option: 'queueMaxMessages', kind: 'int', clients: P, min: 1 },
  'queue.buffering.max.kbytes': { option: 'queueMaxBytes', kind: 'int', clients: P, min: 1, scale: 1024 },
  'compression.type': { option: 'compression', kind: 'compression', clients: P },
  'compression.codec': { option: 'compression', kind: 'compression', clients: P },
  'compression.level': { option: 'compressionLevel', kind: 'int', clients: P, min: -1 },
  // consumer
  'enable.auto.commit': { option: 'autoCommit', kind: 'bool', clients: C },
  'auto.commit.interval.ms': { option: 'autoCommitIntervalMs', kind: 'int', clients: C },
  'auto.offset.reset': { option: 'autoOffsetReset', kind: 'offset-reset', clients: C },
  'group.id': { option: 'groupId', kind: 'string', clients: C },
  'session.timeout.ms': { option: 'consumer.sessionTimeout', kind: 'int', clients: C },
  'heartbeat.interval.ms': { option: 'consumer.heartbeatInterval', kind: 'int', clients: C },
  'max.poll.interval.ms': { option: 'consumer.rebalanceTimeout', kind: 'int', clients: C },
  'fetch.min.bytes': { option: 'consumer.minBytes', kind: 'int', clients: C },
  'fetch.max.bytes': { option: 'consumer.maxBytes', kind: 'int', clients: C },
  'max.partition.fetch.bytes': { option: 'consumer.maxBytesPerPartition', kind: 'int', clients: C },
  'fetch.wait.max.ms': { option: 'consumer.maxWaitTimeInMs', kind: 'int', clients: C },
  'allow.auto.create.topics': { option: 'consumer.allowAutoTopicCreation', kind: 'bool', clients: C },
  'queued.max.messages.kbytes': { option: 'maxBufferedBytes', kind: 'int', clients: C, min: 1, scale: 1024 },
}

const OFFSET_RESET: Readonly<Record<string, 'earliest' | 'latest'>> = {
  earliest: 'earliest',
  smallest: 'earliest',
  beginning: 'earliest',
  latest: 'latest',
  largest: 'latest',
  end: 'latest',
}

/** What {@link readLibrdkafkaKeys} found in a `kafkaConfig` object. */
export interface LibrdkafkaSettings {
  /** Each recognised key's value, converted, under its {@link LibrdkafkaKey.option} name. */
  settings: Record<string, unknown>
  /** The keys without a dot, as given (kafkajs settings). */
  rest: Record<string, unknown>
}

/**
 * Split a `kafkaConfig` object by {@link LIBRDKAFKA_KEYS} for one client: recognised dotted keys are converted
 * and returned under their setting name, keys without a dot are returned as they are, and any other dotted key
 * (or one the client does not take) throws {@link InvalidOptionError} naming `kafkaConfig.<key>`. `undefined`
 * values are skipped. Apply the result with {@link explicitOrConfig}, so an explicit option wins.
 *
 * @param owner - the class named in messages, e.g. `"GraceDbKafkaProducer"`.
 * @example
 * ```ts
 * readLibrdkafkaKeys({ 'client.id': 'me', retry: { retries: 1 } }, 'consumer', 'GraceDbKafkaConsumer')
 * // { settings: { clientId: 'me' }, rest: { retry: { retries: 1 } } }
 * ```
 */
export function readLibrdkafkaKeys(
  config: Readonly<Record<string, unknown>> | undefined,
  role: KafkaClientRole,
  owner: string,
): LibrdkafkaSettings {
  const settings: Record<string, unknown> = {}
  const rest: Record<string, unknown> = {}
  for (const [key, raw] of Object.entries(config ?? {})) {
    if (raw === undefined) continue
    if (!key.includes('.')) {
      rest[key] = raw
      continue
    }
    const row = Object.hasOwn(LIBRDKAFKA_KEYS, key) ? LIBRDKAFKA_KEYS[key] : undefined
    if (row === undefined || !row.clients.includes(role)) {
      const supported = Object.keys(LIBRDKAFKA_KEYS).filter((k) => LIBRDKAFKA_KEYS[k]?.clients.includes(role))
      throw new InvalidOptionError(
        `kafkaConfig.${key}`,
        `${owner}: option "kafkaConfig.${key}": this librdkafka setting has no equivalent in the kafkajs-based ${role}; supported: ${supported.join(', ')}, or kafkajs option names`,
      )
    }
    settings[row.option] = convert(key, row, raw, owner)
  }
  return { settings, rest }
}

function convert(key: string, row: LibrdkafkaKey, raw: unknown, owner: string): unknown {
  const fail = (expected: string): never => {
    throw new InvalidOptionError(
      `kafkaConfig.${key}`,
      `${owner}: option "kafkaConfig.${key}": expected ${expected}`,
    )
  }
  switch (row.kind) {
    case 'bool':
      if (typeof raw === 'boolean') return raw
      if (raw === 'true' || raw === 'false') return raw === 'true'
      return fail('true or false')
    case 'int': {
      const min = row.min ?? 0
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw
      if (typeof n === 'number' && Number.isInteger(n) && n >= min) return n * (row.scale ?? 1)
      return fail(`an integer >= ${min}`)
    }
    case 'string':
      if (typeof raw === 'string' && raw.length > 0) return raw
      return fail('a non-empty string')
    case 'offset-reset':
      if (typeof raw === 'string' && Object.hasOwn(OFFSET_RESET, raw)) return OFFSET_RESET[raw]
      return fail('"earliest" or "latest"')
    case 'compression':
      if ((COMPRESSION_NAMES as readonly unknown[]).includes(raw)) return raw
      return fail(`one of ${COMPRESSION_NAMES.join(', ')}`)
  }
}

/**
 * The one precedence rule of gracedb-kafka's options: the explicit option when given, else the same setting
 * from `kafkaConfig` (as read by {@link readLibrdkafkaKeys}), else the default.
 *
 * @example
 * ```ts
 * const { settings } = readLibrdkafkaKeys({ 'client.id': 'from-config' }, 'producer', 'GraceDbKafkaProducer')
 * explicitOrConfig('explicit', settings, 'clientId', 'gracedb-kafka-producer') // 'explicit'
 * explicitOrConfig(undefined, settings, 'clientId', 'gracedb-kafka-producer') // 'from-config'
 * ```
 */
export function explicitOrConfig<T>(
  explicit: T | undefined,
  settings: Readonly<Record<string, unknown>>,
  option: string,
  fallback: T,
): T {
  if (explicit !== undefined) return explicit
  return Object.hasOwn(settings, option) ? (settings[option] as T) : fallback
}
