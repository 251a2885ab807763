import {
  compressionType,
  InvalidOptionError,
  KafkaMessageDeliveryError,
  KafkaProducerError,
  registerCodecs,
  secondsToMs,
} from '@gracedb-kafka/core'
import { deriveInstanceName, makeTopicName, TopicNameError } from '@gracedb-kafka/topics'
import { CompressionCodecs, CompressionTypes, type Message } from 'kafkajs'
import type { PingOptions, PingResult, ProduceOptions } from './api-types.js'
import { ProducerConnection } from './connection.js'
import { DeliveryLedger, type DeliveryReport } from './delivery-ledger.js'
import { type ProducerOptions, type ProducerOptionsInput, parseProducerOptions } from './options.js'
import { buildPingMessage } from './ping.js'
import { closedError, Sender } from './sender.js'
import {
  checkPartition,
  encodeHeaders,
  encodeKey,
  encodeValue,
  type ProduceValue,
  recordSize,
} from './serialize.js'

export type { PingOptions, PingResult, ProduceOptions } from './api-types.js'
export type { DeliveryReport } from './delivery-ledger.js'

/**
 * Kafka producer with SciToken authentication for GraceDB events (ligo-gracedb's `GraceDbKafkaProducer`).
 *
 * `produce()` queues a message and returns a promise of its {@link DeliveryReport}; a sender coalesces queued
 * messages into batches (a few ms of linger, up to `batch.num.messages` / `batch.size`) and sends each batch
 * with one kafkajs `sendBatch`. Many un-awaited `produce()` calls followed by `flush()` therefore run at batch
 * speed. The connection is made lazily on the first message (or by {@link GraceDbKafkaProducer.connect}).
 *
 * Errors:
 * - `produce()` throws synchronously for a bad argument ({@link InvalidOptionError}, `TopicNameError`), a
 *   message over `message.max.bytes`, a full queue, a closed producer, and for an authentication failure
 *   recorded since the previous `produce()`/`flush()` ({@link KafkaAuthenticationError}).
 * - A delivery failure rejects that message's promise, calls its `onDelivery`, and — if neither was looked
 *   at by the caller — makes the next `flush()` reject with it. The promise never causes an unhandled rejection.
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
  /** The default pipeline name as given (not namespaced), or `undefined`. */
  readonly defaultTopic: string | undefined
  /** Seconds `createEvent` waits when it flushes this producer. */
  readonly flushTimeout: number

  readonly #opts: ProducerOptions
  readonly #defaultKafkaTopic: string | undefined
  readonly #conn: ProducerConnection
  readonly #ledger = new DeliveryLedger()
  readonly #sender: Sender
  /** Set when `close()` starts: no new message is accepted. */
  #closing: Promise<void> | undefined

  /**
   * Validate the options and prepare the client. Nothing is read or dialled yet: the token is discovered and
   * the broker contacted on the first message (or {@link GraceDbKafkaProducer.connect}).
   *
   * @throws {@link InvalidOptionError} naming the first invalid option (including an unreadable `caCertPath`).
   */
  constructor(options: ProducerOptionsInput) {
    const opts = parseProducerOptions(options)
    this.#opts = opts
    try {
      this.instanceName = opts.instanceName ?? deriveInstanceName(opts.serviceUrl!)
    } catch (err) {
      const option = opts.instanceName === undefined ? 'serviceUrl' : 'instanceName'
      throw new InvalidOptionError(
        option,
        `GraceDbKafkaProducer: option "${option}": ${(err as Error).message}`,
      )
    }
    try {
      makeTopicName(this.instanceName, 'test') // validates the instance name even without a default topic
      this.#defaultKafkaTopic =
        opts.topic === undefined ? undefined : makeTopicName(this.instanceName, opts.topic)
    } catch (err) {
      if (!(err instanceof TopicNameError)) throw err
      const option = err.input === opts.topic ? 'topic' : 'instanceName'
      throw new InvalidOptionError(option, `GraceDbKafkaProducer: option "${option}": ${err.message}`)
    }
    this.defaultTopic = opts.topic
    this.flushTimeout = opts.flushTimeout
    this.#conn = new ProducerConnection(opts)
    registerCodecs(CompressionCodecs, CompressionTypes)
    const compression = compressionType(opts.tuning.compression, CompressionTypes)
    this.#sender = new Sender(this.#conn, this.#ledger, opts.tuning, compression)
  }

  /** Number of messages produced but not yet acknowledged or failed (queued plus in flight). */
  get pendingMessages(): number {
    return this.#ledger.pending
  }

  /**
   * Connect now instead of on the first message: discover the token, authenticate and (with guaranteed
   * delivery) obtain a producer id. Bounded by `connect.timeout.ms` (15 s by default).
   *
   * @throws {@link KafkaConnectionError} when the broker cannot be reached, {@link KafkaAuthenticationError}
   *   (or its subclass {@link KafkaTokenError}) when the token is missing or refused.
   * @example
   * ```ts
   * await producer.connect() // fail fast at start-up rather than on the first event
   * ```
   */
  async connect(): Promise<void> {
    if (this.#closing) throw this.#closedError()
    await this.#conn.ensureConnected()
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
   *   full (`ERR_KAFKA_QUEUE_FULL`) or the producer is closed (`ERR_KAFKA_PRODUCER_CLOSED`);
   *   {@link KafkaAuthenticationError} for an authentication failure recorded since the last call.
   * @example
   * ```ts
   * const report = await producer.produce({ graceid: 'G12345' }, { topic: 'gstlal', key: 'G12345' })
   * console.log(report.topic, report.partition, report.offset) // gracedb-dev.gstlal 0 42
   * ```
   */
  produce(value: ProduceValue, options: ProduceOptions = {}): Promise<DeliveryReport> {
    if (this.#closing) throw this.#closedError()
    if (options === null || typeof options !== 'object') {
      throw new InvalidOptionError('(options)', 'produce(): expected an options object')
    }
    this.#throwAuthError()
    const topic =
      options.topic !== undefined ? makeTopicName(this.instanceName, options.topic) : this.#defaultKafkaTopic
    if (topic === undefined) {
      throw new InvalidOptionError('topic', 'Topic must be specified (no default topic configured)')
    }
    if (options.onDelivery !== undefined && typeof options.onDelivery !== 'function') {
      throw new InvalidOptionError('onDelivery', 'produce(): option "onDelivery": expected a function')
    }
    return this.#enqueue(topic, encodeValue(value), options)
  }

  /**
   * Wait until every queued message is acknowledged or failed, or until `timeout` seconds pass. Queued messages
   * are sent at once, without waiting for the linger.
   *
   * @param timeout - seconds: `-1` waits until done (default; each message is still bounded by
   *   `delivery.timeout.ms`), `0` only checks. Longer than about 24.8 days (2**31-1 ms, `Infinity` included)
   *   waits that long.
   * @returns the number of messages still pending.
   * @throws the first delivery failure since the previous `flush()` that the caller has not seen (its promise
   *   was never awaited/handled and it had no `onDelivery`): {@link KafkaMessageDeliveryError},
   *   {@link KafkaConnectionError} or {@link KafkaAuthenticationError}.
   * @example
   * ```ts
   * for (const e of events) producer.produce(e)
   * const left = await producer.flush(10)
   * if (left > 0) console.warn(`${left} message(s) not yet delivered`)
   * ```
   */
  async flush(timeout = -1): Promise<number> {
    const ms = secondsToMs(timeout, 'timeout', { forever: true })
    if (this.#ledger.pending > 0 && ms !== 0) {
      const done = this.#sender.hurry()
      try {
        await this.#ledger.waitIdle(ms)
      } finally {
        done()
      }
    }
    // Everything failed so far is reported now (or was seen by the caller): the next flush starts afresh.
    const failure = this.#ledger.takeUnseenFailure()
    if (failure) throw failure
    return this.#ledger.pending
  }

  /**
   * Send a small JSON message and wait for the broker to acknowledge it: a check of the whole path (token,
   * OAUTHBEARER, TLS, delivery). The payload is ligo-gracedb's: `type: "ping"`, `timestamp`, `client`, and the
   * `sub` and `scope` claims of the token in use.
   *
   * @throws {@link KafkaTokenError} without a token, {@link KafkaAuthenticationError} when it is refused,
   *   {@link KafkaConnectionError} when the broker is unreachable, {@link KafkaMessageDeliveryError} when the
   *   message is refused or not confirmed within `timeout`.
   * @example
   * ```ts
   * const { topic, partition, offset, message } = await producer.ping({ topic: 'test' })
   * ```
   */
  async ping(options: PingOptions = {}): Promise<PingResult> {
    if (this.#closing) throw this.#closedError()
    const timeout = options.timeout ?? 10
    const timeoutMs = secondsToMs(timeout, 'timeout')
    const topic =
      options.topic !== undefined
        ? makeTopicName(this.instanceName, options.topic)
        : (this.#defaultKafkaTopic ?? makeTopicName(this.instanceName, 'test'))
    this.#throwAuthError()
    const token = await this.#conn.discoverToken()
    const message = buildPingMessage(token)
    const delivery = this.#enqueue(topic, encodeValue(message), { onDelivery: () => {} })
    const done = this.#sender.hurry()
    let timer: NodeJS.Timeout | undefined
    try {
      const report = await Promise.race([
        delivery,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new KafkaMessageDeliveryError(`Ping to ${topic} was not confirmed within ${timeout}s`, {
                  code: 'ERR_KAFKA_MESSAGE_TIMED_OUT',
                  topic,
                }),
              ),
            timeoutMs,
          )
        }),
      ])
      return { topic: report.topic, partition: report.partition, offset: report.offset, message }
    } finally {
      clearTimeout(timer)
      done()
    }
  }

  /**
   * Flush (up to `timeout` seconds), then release everything: messages still queued fail with
   * `ERR_KAFKA_PRODUCER_CLOSED`, the connection is closed, the token manager stopped. Idempotent: later calls
   * return the same promise. Rejects with the flush's error, if any, after releasing everything.
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

  // ---------------------------------------------------------------------------------------------------------

  #closedError(): KafkaProducerError {
    return new KafkaProducerError('The producer is closed', { code: 'ERR_KAFKA_PRODUCER_CLOSED' })
  }

  #throwAuthError(): void {
    const error = this.#ledger.takeAuthError()
    if (error) throw error
  }

  #enqueue(topic: string, value: Buffer, options: ProduceOptions): Promise<DeliveryReport> {
    const key = encodeKey(options.key)
    const headers = encodeHeaders(options.headers)
    const partition = checkPartition(options.partition)
    const size = recordSize(value, key, headers)
    const { tuning } = this.#opts
    if (size > tuning.messageMaxBytes) {
      throw new KafkaMessageDeliveryError(
        `Message of ${size} bytes for ${topic} is larger than message.max.bytes (${tuning.messageMaxBytes})`,
        { code: 'ERR_KAFKA_MESSAGE_TOO_LARGE', topic, partition },
      )
    }
    const queued = this.#sender.queued
    if (this.#ledger.pending >= tuning.queueMaxMessages || queued.bytes + size > tuning.queueMaxBytes) {
      throw new KafkaProducerError(
        `The producer queue is full (${this.#ledger.pending} messages, ${queued.bytes} bytes queued): await flush() and retry`,
        { code: 'ERR_KAFKA_QUEUE_FULL' },
      )
    }
    const timestamp = Date.now()
    const message: Message = { key, value, timestamp: String(timestamp) }
    if (headers) message.headers = headers
    if (partition !== undefined) message.partition = partition
    const p = this.#ledger.create({
      topic,
      size,
      message,
      key,
      timestamp,
      deadline: timestamp + tuning.deliveryTimeoutMs,
      onDelivery: options.onDelivery,
    })
    this.#sender.enqueue(p)
    return p.promise
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
