import type { SciTokenRefreshManager } from '@gracedb-kafka/auth'
import {
  ClientClosedError,
  formatBrokerList,
  InvalidOptionError,
  KafkaMessageDeliveryError,
  KafkaProducerError,
  secondsToMs,
  validatePingMessage,
} from '@gracedb-kafka/core'
import { makeTopicName } from '@gracedb-kafka/topics'
import { checkPingOptions, checkProduceOptions, NO_OPTIONS } from './admission.js'
import type { FlushOptions, PingOptions, PingResult, ProduceOptions } from './api-types.js'
import { ProducerConnection } from './connection.js'
import { DeliveryLedger, type DeliveryReport } from './delivery-ledger.js'
import { laneCompression } from './lane-compression.js'
import { resolveNames } from './naming.js'
import { type ProducerOptions, type ProducerOptionsInput, parseProducerOptions } from './options.js'
import { buildPingMessage, confirmWithin } from './ping.js'
import { closedError, Sender } from './sender.js'
import { encodeValue, type ProduceValue } from './serialize.js'
import { precheckToken } from './token-precheck.js'
import { StartupGate } from './topic-checks.js'
import { flushOutcome } from './undelivered.js'

export type { FlushOptions, PingOptions, PingResult, ProduceOptions } from './api-types.js'
export type { DeliveryReport } from './delivery-ledger.js'

/**
 * Kafka producer with SciToken authentication for GraceDB events (ligo-gracedb's `GraceDbKafkaProducer`).
 *
 * `produce()` queues a message and returns a promise of its {@link DeliveryReport}. Queued messages are
 * batched (a few ms of linger) and sent per partition; a message is reported delivered only when the broker
 * returned an offset for its partition, and is sent again on any retriable failure until `delivery.timeout.ms`
 * (see the README's "Delivery guarantees"). A delivery failure rejects the message's promise, calls its
 * `onDelivery` and, if neither was looked at, makes the next `flush()` reject; never an unhandled rejection.
 *
 * @example
 * ```ts
 * import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
 *
 * await using producer = new GraceDbKafkaProducer({
 *   bootstrapServers: 'kafka-dev.ligo.org:9092',
 *   topic: 'test',
 *   serviceUrl: 'https://gracedb-dev.ligo.org/api/',
 * })
 * producer.produce({ graceid: 'G12345', group: 'CBC' }) // to gracedb-dev.test
 * await producer.flush()
 * ```
 */
export class GraceDbKafkaProducer {
  /** The GraceDB instance topics are namespaced with, e.g. `"gracedb-dev"`. */
  readonly instanceName: string
  /** Seconds `createEvent` waits when it flushes this producer. */
  readonly flushTimeout: number

  readonly #opts: ProducerOptions
  readonly #defaultTopic: string | undefined
  readonly #conn: ProducerConnection
  readonly #ledger = new DeliveryLedger()
  readonly #sender: Sender
  readonly #gate: StartupGate
  /** Set when `close()` starts: no new message is accepted. */
  #closing: Promise<void> | undefined

  /**
   * Validate the options and prepare the client. With `validateToken` (default) the token is looked up now;
   * the broker is contacted (and, with `checkForTopics`, its topics checked) by {@link GraceDbKafkaProducer.connect},
   * {@link GraceDbKafkaProducer.create} or the first message.
   *
   * @throws {@link InvalidOptionError} naming the first invalid option (including an unreadable `caCertPath`);
   *   {@link KafkaTokenError} with `validateToken` when no usable token is found (where it looked, htgettoken).
   */
  constructor(options: ProducerOptionsInput) {
    const opts = parseProducerOptions(options)
    this.#opts = opts
    const { instanceName, defaultTopic } = resolveNames(opts)
    this.instanceName = instanceName
    this.#defaultTopic = defaultTopic
    this.flushTimeout = opts.flushTimeout
    if (opts.validateToken) precheckToken()
    this.#conn = new ProducerConnection(opts)
    const compression = laneCompression(opts.tuning)
    this.#gate = new StartupGate(this.#conn, opts.checkForTopics, {
      instanceName: this.instanceName,
      defaultTopic: this.defaultTopic,
      brokers: this.bootstrapServers,
    })
    this.#sender = new Sender(this.#conn, this.#ledger, opts.tuning, compression, () => this.#gate.ready())
  }

  /**
   * Construct and connect (with `checkForTopics`, check the broker's topics): the asynchronous counterpart of
   * ligo-gracedb's constructor, which does both.
   *
   * @throws as the constructor and {@link GraceDbKafkaProducer.connect}; nothing is left open on failure.
   * @example
   * ```ts
   * const producer = await GraceDbKafkaProducer.create({ bootstrapServers, serviceUrl, topic: 'test' })
   * ```
   */
  static async create(options: ProducerOptionsInput): Promise<GraceDbKafkaProducer> {
    const producer = new GraceDbKafkaProducer(options)
    try {
      await producer.connect()
    } catch (err) {
      await producer.close(0).catch(() => {})
      throw err
    }
    return producer
  }

  /** The namespaced default topic (e.g. `"gracedb-dev.test"`), or `undefined` (ligo-gracedb's `default_topic`). */
  get defaultTopic(): string | undefined {
    return this.#defaultTopic
  }

  /** The bootstrap servers, comma-separated, as ligo-gracedb's `bootstrap_servers`. */
  get bootstrapServers(): string {
    return formatBrokerList(this.#opts.bootstrapServers)
  }

  /** The SciToken scope the producer asks for (default `"gracedb.read"`). */
  get tokenScope(): string {
    return this.#opts.tokenScope
  }

  /** The token refresh manager (with `reloadCred`, the default), else `null`. */
  get refreshManager(): SciTokenRefreshManager | null {
    return this.#conn.refreshManager
  }

  /** Number of messages produced but not yet acknowledged or failed (queued plus in flight). */
  get pendingMessages(): number {
    return this.#ledger.pending
  }

  /**
   * Connect now instead of on the first message: discover the token, authenticate, (with guaranteed delivery)
   * obtain a producer id and, with `checkForTopics`, check the broker's topics (once it passed, not again).
   * Connecting is bounded by `connect.timeout.ms` (15 s by default).
   *
   * @throws {@link KafkaConnectionError} when the broker cannot be reached, {@link KafkaAuthenticationError}
   *   (or its subclass {@link KafkaTokenError}) when the token is missing or refused, {@link KafkaTopicError}
   *   when the default topic is missing or not authorised, or (no default topic) the instance has no topic.
   * @example
   * ```ts
   * await producer.connect() // fail fast at start-up rather than on the first event
   * ```
   */
  async connect(): Promise<void> {
    if (this.#closing) throw this.#closedError()
    await this.#gate.ready()
  }

  /**
   * Queue a message. An object is sent as JSON (formatted as Python's `json.dumps`), a string as UTF-8, a
   * `Uint8Array`/`Buffer` as-is. The topic is a pipeline name, namespaced with the instance.
   *
   * @returns a promise of the delivery report. It is safe not to await it: a failure then reaches `onDelivery`
   *   and the next `flush()`, never an unhandled rejection.
   * @throws {@link InvalidOptionError} when there is no topic and no default (Python's `ValueError`) or an
   *   argument is invalid; `TopicNameError` for an invalid pipeline name; {@link KafkaMessageDeliveryError}
   *   (`ERR_KAFKA_MESSAGE_TOO_LARGE`) over `message.max.bytes`; {@link KafkaProducerError} when the queue is
   *   full (`ERR_KAFKA_QUEUE_FULL`); {@link ClientClosedError} (`ERR_CLIENT_CLOSED`) once the producer is closed;
   *   {@link KafkaAuthenticationError} for an authentication failure recorded since the last call.
   * @example
   * ```ts
   * const report = await producer.produce({ graceid: 'G12345' }, { topic: 'gstlal', key: 'G12345' })
   * console.log(report.topic, report.partition, report.offset) // gracedb-dev.gstlal 0 42
   * ```
   */
  produce(value: ProduceValue, options: ProduceOptions = NO_OPTIONS): Promise<DeliveryReport> {
    if (this.#closing) throw this.#closedError()
    checkProduceOptions(options)
    this.#ledger.throwAuthError()
    const topic =
      options.topic !== undefined ? makeTopicName(this.instanceName, options.topic) : this.defaultTopic
    if (topic === undefined) {
      throw new InvalidOptionError('topic', 'Topic must be specified (no default topic configured)')
    }
    return this.#sender.produce(topic, encodeValue(value), options)
  }

  /**
   * Wait until every queued message is acknowledged or failed, or until `timeout` seconds pass. Queued messages
   * are sent at once, without waiting for the linger.
   *
   * @param timeout - seconds: `-1` waits until done (default; each message is still bounded by
   *   `delivery.timeout.ms`), `0` only checks. Longer than about 24.8 days (2**31-1 ms, `Infinity` included)
   *   waits that long.
   * @param strict - throw instead of returning a count when messages are still pending at the deadline, or any
   *   delivery failed since the last flush (ligo-gracedb's `strict=True`). Also `flush({ timeout, strict })`.
   * @returns the number of messages still pending.
   * @throws the first delivery failure since the previous `flush()` that the caller has not seen (its promise
   *   was never awaited/handled and it had no `onDelivery`): {@link KafkaMessageDeliveryError},
   *   {@link KafkaConnectionError} or {@link KafkaAuthenticationError}. With `strict`, the last failure, or
   *   for a stall {@link KafkaConnectionError}, {@link KafkaTopicError} or {@link KafkaMessageDeliveryError}
   *   with the last error and a hint.
   * @example
   * ```ts
   * for (const e of events) producer.produce(e)
   * const left = await producer.flush(10)
   * if (left > 0) console.warn(`${left} message(s) not yet delivered`)
   * ```
   */
  async flush(timeout: number | FlushOptions = -1, strict = false): Promise<number> {
    const opts = typeof timeout === 'object' && timeout !== null ? timeout : { timeout, strict }
    const seconds = opts.timeout ?? -1
    const ms = secondsToMs(seconds, 'timeout', { forever: true })
    if (ms !== 0) await this.#sender.drain(ms)
    return flushOutcome(this.#ledger, this.#sender, {
      strict: opts.strict === true,
      timeout: seconds,
      brokers: this.bootstrapServers,
      topicError: (topic) => this.#conn.metadata.topicError(topic),
    })
  }

  /**
   * Send a small JSON message and wait for the broker to acknowledge it: a check of the whole path (token,
   * OAUTHBEARER, TLS, delivery). The payload is ligo-gracedb's: `type: "ping"`, `timestamp`, `client`, and the
   * `sub` and `scope` claims of the token in use.
   *
   * The topic is checked first and the message validated against the ping schema: nothing is sent when either
   * fails.
   *
   * @throws {@link KafkaTokenError} without a token, {@link KafkaAuthenticationError} when it is refused,
   *   {@link KafkaConnectionError} when the broker is unreachable, {@link KafkaTopicError} when the topic is
   *   missing or not authorised, {@link KafkaMessageDeliveryError} when the message is refused or not confirmed
   *   within `timeout`.
   * @example
   * ```ts
   * const { topic, partition, offset, message } = await producer.ping({ topic: 'test' })
   * ```
   */
  async ping(options: PingOptions = {}): Promise<PingResult> {
    if (this.#closing) throw this.#closedError()
    const timeout = checkPingOptions(options) // every option checked before anything happens
    const topic =
      options.topic !== undefined
        ? makeTopicName(this.instanceName, options.topic)
        : (this.#defaultTopic ?? makeTopicName(this.instanceName, 'test'))
    this.#ledger.throwAuthError()
    const token = await this.#conn.discoverToken()
    const message = buildPingMessage(token)
    validatePingMessage(message)
    await this.#gate.checkTopic(topic) // nothing is sent to a topic that is missing or not authorised
    const delivery = this.#sender.produce(topic, encodeValue(message), { onDelivery: () => {} })
    const done = this.#sender.hurry()
    try {
      const report = await confirmWithin(delivery, timeout, topic)
      return { topic: report.topic, partition: report.partition, offset: report.offset, message }
    } finally {
      done()
    }
  }

  /**
   * Flush (up to `timeout` seconds), then release everything: messages still queued fail with
   * {@link ClientClosedError} (`ERR_CLIENT_CLOSED`, as later calls do), the connection is closed, the token manager
   * stopped. Idempotent: later calls return the same promise. Rejects with the flush's error, if any, afterwards.
   *
   * @example
   * ```ts
   * await producer.close(30)
   * ```
   */
  close(timeout = 30): Promise<void> {
    if (!this.#closing) {
      secondsToMs(timeout, 'timeout', { forever: true })
      this.#closing = this.#close(timeout)
    }
    return this.#closing
  }

  /** `await using producer = new GraceDbKafkaProducer(...)` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #closedError(): ClientClosedError {
    return new ClientClosedError('producer')
  }

  async #close(timeout: number): Promise<void> {
    let flushError: unknown
    try {
      await this.flush(timeout)
    } catch (err) {
      flushError = err
    }
    this.#sender.close(closedError)
    await this.#conn.close()
    if (flushError !== undefined) throw flushError
  }
}
