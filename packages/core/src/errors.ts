import { redactTokens } from './redact.js'

/** Property on every error instance listing the names of the error classes it belongs to. */
const KINDS: unique symbol = Symbol.for('@gracedb-kafka/error-kinds') as never

/** Options accepted by every error in the tree. */
export interface KafkaErrorOptions {
  /** The underlying error, kept as `error.cause`. */
  cause?: unknown
  /** A more specific stable code than the class default, e.g. `ERR_KAFKA_TOKEN_EXPIRED`. */
  code?: string
}

/**
 * Base of every error class in gracedb-kafka (the Kafka tree here, the GraceDB REST errors in
 * `@gracedb-kafka/rest`): a stable string `code` (the class default, or a more specific one), the `cause` kept,
 * the message scrubbed of anything shaped like a JWT, and `instanceof` that works across two installed copies
 * of a package (a `Symbol.for` brand listing the class names, not object identity).
 *
 * @example
 * ```ts
 * class MyError extends CodedError {
 *   static override readonly code: string = 'ERR_MINE'
 * }
 * new MyError('boom').code // 'ERR_MINE'
 * ```
 */
export class CodedError extends Error {
  /** The default code of this class. */
  static readonly code: string = 'ERR_GRACEDB_KAFKA'
  /** The stable, documented error code. */
  readonly code: string

  constructor(message: string, options: KafkaErrorOptions = {}) {
    super(redactTokens(message), options.cause === undefined ? undefined : { cause: options.cause })
    const ctor = new.target as typeof CodedError
    this.name = ctor.name
    this.code = options.code ?? ctor.code
    const kinds: string[] = []
    for (let c: unknown = ctor; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) {
      kinds.push((c as { name: string }).name)
    }
    Object.defineProperty(this, KINDS, { value: Object.freeze(kinds), enumerable: false })
  }

  static override [Symbol.hasInstance](instance: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, instance)) return true
    if (typeof instance !== 'object' || instance === null) return false
    const kinds = (instance as { [KINDS]?: unknown })[KINDS]
    return Array.isArray(kinds) && kinds.includes(this.name)
  }
}

/**
 * Base class of every Kafka error raised by gracedb-kafka (the spec's `KafkaError`).
 *
 * Every error carries a stable string `code` and keeps its `cause`. Messages are scrubbed of anything shaped
 * like a JWT, so a token never reaches a log line. `instanceof` works across two installed copies of the
 * package (see {@link CodedError}).
 *
 * @example
 * ```ts
 * try {
 *   await producer.flush(10)
 * } catch (err) {
 *   if (err instanceof KafkaError) console.error(err.code, err.message)
 * }
 * ```
 */
export class KafkaError extends CodedError {
  static override readonly code: string = 'ERR_KAFKA'
}

/**
 * Authentication with the broker failed (the spec's `KafkaAuthenticationError`), for example a token the broker
 * rejected or one that expired without being refreshed. Surfaced on the next `produce()`, `flush()` or `poll()`.
 *
 * @example
 * ```ts
 * if (err instanceof KafkaAuthenticationError) console.error('run htgettoken:', err.message)
 * ```
 */
export class KafkaAuthenticationError extends KafkaError {
  static override readonly code: string = 'ERR_KAFKA_AUTHENTICATION'
}

/**
 * No usable SciToken could be found or the one found is invalid (the spec's `KafkaTokenError`).
 * The message names the source (variable or path) and what is wrong, never the token.
 *
 * @example
 * ```ts
 * try { await getScitokenForKafka('kafka.example.org:9092') } catch (err) {
 *   if (err instanceof KafkaTokenError) console.error(err.code, err.source, err.message)
 * }
 * ```
 */
export class KafkaTokenError extends KafkaAuthenticationError {
  static override readonly code: string = 'ERR_KAFKA_TOKEN'
  /** Where the token was looked for: an environment variable name or a file path, if known. */
  readonly source: string | undefined

  constructor(message: string, options: KafkaErrorOptions & { source?: string } = {}) {
    super(message, options)
    this.source = options.source
  }
}

/**
 * The producer failed (the spec's `KafkaProducerError`).
 *
 * @example
 * ```ts
 * if (err instanceof KafkaProducerError) console.error(err.code)
 * ```
 */
export class KafkaProducerError extends KafkaError {
  static override readonly code: string = 'ERR_KAFKA_PRODUCER'
}

/** Where a message was headed when its delivery failed. */
export interface DeliveryTarget {
  topic: string
  partition?: number | undefined
}

/**
 * A message could not be delivered (the spec's `KafkaMessageDeliveryError`). Names the topic and partition.
 *
 * @example
 * ```ts
 * producer.produce(value, { onDelivery: (err) => { if (err) console.error(err.topic, err.partition) } })
 * ```
 */
export class KafkaMessageDeliveryError extends KafkaProducerError {
  static override readonly code: string = 'ERR_KAFKA_MESSAGE_DELIVERY'
  /** The namespaced topic the message was produced to. */
  readonly topic: string | undefined
  /** The partition, when one was chosen. */
  readonly partition: number | undefined

  constructor(message: string, options: KafkaErrorOptions & Partial<DeliveryTarget> = {}) {
    super(message, options)
    this.topic = options.topic
    this.partition = options.partition
  }
}

/**
 * The target topic does not exist, or the token is not authorised for it (the reference's `KafkaTopicError`, a
 * {@link KafkaMessageDeliveryError}). Automatic topic creation is off on GraceDB's brokers, so this usually
 * means a wrong `instanceName`/`serviceUrl` or pipeline name, not an expired token. Raised by the producer's
 * start-up topic check, by `ping()`, and by a strict `flush()` or `createEvent` once a failed delivery has been
 * traced to the topic. Codes: `ERR_KAFKA_TOPIC` (missing topic), `ERR_KAFKA_TOPIC_AUTHORIZATION` (ACL denial).
 *
 * @example
 * ```ts
 * try { await producer.ping() } catch (err) {
 *   if (err instanceof KafkaTopicError) console.error('check instanceName and pipeline:', err.topic)
 * }
 * ```
 */
export class KafkaTopicError extends KafkaMessageDeliveryError {
  static override readonly code: string = 'ERR_KAFKA_TOPIC'
}

/**
 * The consumer failed to subscribe, poll or commit (the spec's `KafkaConsumerError`).
 *
 * @example
 * ```ts
 * if (err instanceof KafkaConsumerError) console.error(err.code)
 * ```
 */
export class KafkaConsumerError extends KafkaError {
  static override readonly code: string = 'ERR_KAFKA_CONSUMER'
}

/**
 * The broker could not be reached (the spec's `KafkaConnectionError`). Raised within a bounded time.
 *
 * @example
 * ```ts
 * if (err instanceof KafkaConnectionError) console.error('is the broker up?', err.message)
 * ```
 */
export class KafkaConnectionError extends KafkaError {
  static override readonly code: string = 'ERR_KAFKA_CONNECTION'
}

/**
 * An option or argument was invalid (the Python `ValueError`). Names the option and what was expected.
 * Deliberately outside the `KafkaError` tree: it is a programming error, not a Kafka failure.
 *
 * @example
 * ```ts
 * try { new GraceDbKafkaProducer({ bootstrapServers: '' } as never) } catch (err) {
 *   if (err instanceof InvalidOptionError) console.error(err.option) // 'bootstrapServers'
 * }
 * ```
 */
export class InvalidOptionError extends TypeError {
  /** Stable code. */
  readonly code: string = 'ERR_GRACEDB_KAFKA_INVALID_OPTION'
  /** Dotted path of the offending option, e.g. `flushTimeout`. */
  readonly option: string

  constructor(option: string, message: string) {
    super(redactTokens(message))
    this.name = 'InvalidOptionError'
    this.option = option
  }

  static override [Symbol.hasInstance](instance: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, instance)) return true
    return (
      typeof instance === 'object' &&
      instance !== null &&
      (instance as { code?: unknown }).code === 'ERR_GRACEDB_KAFKA_INVALID_OPTION'
    )
  }
}
