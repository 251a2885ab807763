import { setTimeout as sleep } from 'node:timers/promises'
import { createKafkaTokenProvider, type KafkaTokenProvider } from '@gracedb-kafka/auth'
import {
  buildKafkaConfig,
  InvalidOptionError,
  KafkaAuthenticationError,
  KafkaConnectionError,
  KafkaError,
  KafkaMessageDeliveryError,
  KafkaProducerError,
  KafkaTokenError,
  redactTokens,
  secondsToMs,
  toKafkaError,
} from '@gracedb-kafka/core'
import { deriveInstanceName, makeTopicName, TopicNameError } from '@gracedb-kafka/topics'
import {
  CompressionTypes,
  Kafka,
  type KafkaConfig,
  type Message,
  type Producer,
  type RecordMetadata,
} from 'kafkajs'
import { BatchQueue } from './batch-queue.js'
import { DeliveryPromise } from './delivery-promise.js'
import { kafkaProducerSettings } from './kafka-settings.js'
import { placeMessages } from './offsets.js'
import { type ProducerOptions, type ProducerOptionsInput, parseProducerOptions } from './options.js'
import { createConsistentPartitioner, PartitionAssignments } from './partitioner.js'
import { buildPingMessage } from './ping.js'
import {
  checkPartition,
  encodeHeaders,
  encodeKey,
  encodeValue,
  type ProduceHeaders,
  type ProduceValue,
  recordSize,
} from './serialize.js'
import { isTransient } from './transient.js'

/** Where a message was written, passed to `onDelivery` and returned by `produce()`'s promise. */
export interface DeliveryReport {
  /** The namespaced Kafka topic, e.g. `"gracedb-dev.gstlal"`. */
  topic: string
  partition: number
  offset: number
  /** The key as sent, or `null`. */
  key: Uint8Array | null
  /** The message timestamp in ms (its create time, or the broker's append time when the topic uses that). */
  timestamp: number
}

/** Per-message options of {@link GraceDbKafkaProducer.produce}. */
export interface ProduceOptions {
  /** Pipeline name, namespaced with the instance; defaults to the producer's `topic`. */
  topic?: string | undefined
  /** Message key (a string is sent as UTF-8). Keyed messages go to `crc32(key) % partitions`, as librdkafka does. */
  key?: string | Uint8Array | undefined
  headers?: ProduceHeaders | undefined
  /** An explicit partition. */
  partition?: number | undefined
  /** Called once with the outcome: `(null, report)` or `(error, null)`. */
  onDelivery?: ((err: KafkaError | null, report: DeliveryReport | null) => void) | undefined
}

/** Options of {@link GraceDbKafkaProducer.ping}. */
export interface PingOptions {
  /** Pipeline name to ping; defaults to the producer's topic, else `"test"` (i.e. `<instance>.test`). */
  topic?: string | undefined
  /** Seconds to wait for the broker's acknowledgement (default 10). */
  timeout?: number | undefined
}

/** What {@link GraceDbKafkaProducer.ping} returns. */
export interface PingResult {
  topic: string
  partition: number
  offset: number
  /** The payload that was sent. */
  message: Record<string, unknown>
}

interface Pending {
  readonly topic: string
  readonly size: number
  readonly message: Message
  readonly key: Buffer | null
  readonly timestamp: number
  readonly deadline: number
  readonly promise: DeliveryPromise<DeliveryReport>
  readonly resolve: (report: DeliveryReport) => void
  readonly reject: (err: unknown) => void
  readonly onDelivery: ProduceOptions['onDelivery']
  settled: boolean
}

interface Failure {
  error: KafkaError
  pending: Pending
}

const MAX_REMEMBERED_FAILURES = 1000
const CLOSE_DISCONNECT_TIMEOUT_MS = 5_000

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
  readonly #brokers: string
  readonly #tokens: KafkaTokenProvider
  readonly #producer: Producer
  readonly #acks: -1 | 1
  readonly #assignments = new PartitionAssignments()
  readonly #queue = new BatchQueue<Pending>()
  readonly #inFlightBatches = new Set<Pending[]>()
  readonly #idleWaiters = new Set<() => void>()
  #failures: Failure[] = []
  #pending = 0
  #batchNumber = 0
  #lingerTimer: NodeJS.Timeout | undefined
  #pumpScheduled = false
  #flushing = 0
  #connected = false
  #everConnected = false
  #connecting: Promise<void> | undefined
  /** An authentication failure not yet seen by the caller, with the messages it failed. */
  #authError: { error: KafkaError; messages: Pending[] } | undefined
  #tokenError: { error: KafkaError; at: number } | undefined
  /** Set when `close()` starts: no new message is accepted. */
  #closing: Promise<void> | undefined
  /** Set once `close()`'s flush is over: nothing more is sent or retried. */
  #closed = false

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
    this.#brokers = opts.bootstrapServers.join(',')
    this.#tokens = createKafkaTokenProvider(opts.bootstrapServers, {
      scope: opts.tokenScope,
      audience: opts.tokenAudience,
      reloadCred: opts.reloadCred,
      reloadBuffer: opts.reloadBuffer,
    })
    const config = buildKafkaConfig(opts, {
      clientId: opts.tuning.clientId ?? opts.clientId ?? 'gracedb-kafka-producer',
      oauthBearerProvider: () => this.#provideToken(),
      kafkaConfig: opts.kafkaConfig,
    })
    const { acks, producerConfig } = kafkaProducerSettings(
      opts,
      createConsistentPartitioner(this.#assignments),
    )
    this.#acks = acks
    this.#producer = new Kafka(config as unknown as KafkaConfig).producer(producerConfig)
  }

  /** Number of messages produced but not yet acknowledged or failed (queued plus in flight). */
  get pendingMessages(): number {
    return this.#pending
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
    await this.#ensureConnected()
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
    if (this.#pending > 0 && ms !== 0) {
      this.#flushing++
      try {
        this.#pump()
        await this.#waitIdle(ms)
      } finally {
        this.#flushing--
      }
    }
    // Everything failed so far is reported now (or was seen by the caller): the next flush starts afresh.
    const auth = this.#takeAuthError()
    const failures = this.#failures
    this.#failures = []
    if (auth) throw auth
    const unseen = failures.filter((f) => !f.pending.promise.observed && f.pending.onDelivery === undefined)
    const first = unseen.find((f) => f.error instanceof KafkaAuthenticationError) ?? unseen[0]
    if (first) throw first.error
    return this.#pending
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
    const token = await this.#discoverToken()
    const message = buildPingMessage(token)
    const delivery = this.#enqueue(topic, encodeValue(message), { onDelivery: () => {} })
    this.#flushing++
    this.#pump()
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
      this.#flushing--
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

  /** Take the recorded authentication failure, unless the caller already saw it on every message it failed. */
  #takeAuthError(): KafkaError | undefined {
    const auth = this.#authError
    this.#authError = undefined
    if (!auth?.messages.some((p) => !p.promise.observed && p.onDelivery === undefined)) return undefined
    // Reported now: flush() must not report the same failure again.
    this.#failures = this.#failures.filter((f) => f.error !== auth.error)
    return auth.error
  }

  #throwAuthError(): void {
    const error = this.#takeAuthError()
    if (error) throw error
  }

  /** The token for the next authentication; a failure is recorded (for the messages it fails) and thrown. */
  async #discoverToken(): Promise<{ value: string; principal: string; scope: string }> {
    try {
      return await this.#tokens.provide()
    } catch (err) {
      const error =
        err instanceof KafkaError
          ? err
          : new KafkaTokenError(`SciToken discovery failed: ${(err as Error)?.message ?? String(err)}`, {
              cause: err,
            })
      this.#tokenError = { error, at: Date.now() }
      throw error
    }
  }

  /** kafkajs's token provider: as `#discoverToken`, but never retried by kafkajs. */
  async #provideToken(): Promise<{ value: string; principal: string; scope: string }> {
    try {
      return await this.#discoverToken()
    } catch (err) {
      // kafkajs must not retry a missing token: mark the error it sees as non-retriable.
      throw Object.assign(new Error((err as Error).message), {
        name: 'KafkaJSNonRetriableError',
        retriable: false,
      })
    }
  }

  #mapError(err: unknown, since: number, topic: string, partition: number | undefined): KafkaError {
    if (this.#tokenError && this.#tokenError.at >= since) return this.#tokenError.error
    return toKafkaError(err, {
      role: 'delivery',
      action: `Delivery to ${topic}${partition === undefined ? '' : ` [partition ${partition}]`}`,
      topic,
      ...(partition === undefined ? {} : { partition }),
    })
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
    if (this.#queue.count >= tuning.queueMaxMessages || this.#queue.bytes + size > tuning.queueMaxBytes) {
      throw new KafkaProducerError(
        `The producer queue is full (${this.#queue.count} messages, ${this.#queue.bytes} bytes): await flush() and retry`,
        { code: 'ERR_KAFKA_QUEUE_FULL' },
      )
    }
    const timestamp = Date.now()
    const message: Message = { key, value, timestamp: String(timestamp) }
    if (headers) message.headers = headers
    if (partition !== undefined) message.partition = partition
    const { promise, resolve, reject } = DeliveryPromise.create<DeliveryReport>()
    this.#queue.push({
      topic,
      size,
      message,
      key,
      timestamp,
      deadline: timestamp + tuning.deliveryTimeoutMs,
      promise,
      resolve,
      reject,
      onDelivery: options.onDelivery,
      settled: false,
    })
    this.#pending++
    this.#schedule()
    return promise
  }

  /** Start sending when a batch is full (or a flush is waiting); otherwise after the linger. */
  #schedule(): void {
    const { tuning } = this.#opts
    if (this.#inFlightBatches.size >= tuning.maxInFlight) return // the running batch's completion pumps
    if (
      this.#flushing > 0 ||
      tuning.lingerMs === 0 ||
      this.#queue.count >= tuning.batchNumMessages ||
      this.#queue.bytes >= tuning.batchSize
    ) {
      if (!this.#pumpScheduled) {
        this.#pumpScheduled = true
        setImmediate(() => this.#pump())
      }
    } else if (this.#lingerTimer === undefined) {
      this.#lingerTimer = setTimeout(() => this.#pump(), tuning.lingerMs)
    }
  }

  #pump(): void {
    this.#pumpScheduled = false
    if (this.#lingerTimer !== undefined) {
      clearTimeout(this.#lingerTimer)
      this.#lingerTimer = undefined
    }
    const { tuning } = this.#opts
    while (this.#inFlightBatches.size < tuning.maxInFlight && this.#queue.count > 0) {
      const batch = this.#queue.take(tuning.batchNumMessages, tuning.batchSize)
      this.#inFlightBatches.add(batch)
      void this.#sendBatch(batch).finally(() => {
        this.#inFlightBatches.delete(batch)
        // Messages that queued meanwhile have waited long enough: send them now.
        if (this.#queue.count > 0 && !this.#closed) this.#pump()
      })
    }
  }

  async #ensureConnected(): Promise<void> {
    if (this.#connected) return
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined
    })
    await this.#connecting
  }

  async #connect(): Promise<void> {
    const since = Date.now()
    const limit = this.#opts.tuning.connectTimeoutMs
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), limit)
    })
    try {
      const outcome = await Promise.race([this.#producer.connect().then(() => 'ok' as const), timedOut])
      if (outcome === 'timeout') {
        // The catch below disconnects.
        throw new KafkaConnectionError(
          `Could not connect to Kafka broker ${this.#brokers} within ${limit / 1000}s (connect.timeout.ms). ` +
            'Check bootstrapServers, network access, and that useSsl matches the broker listener.',
        )
      }
      this.#connected = true
      this.#everConnected = true
    } catch (err) {
      // kafkajs keeps a connection whose SASL exchange failed half-way and would reuse it (the broker then
      // answers ILLEGAL_SASL_STATE): drop every connection so the next attempt starts clean.
      await this.#producer.disconnect().catch(() => {})
      if (this.#tokenError && this.#tokenError.at >= since) throw this.#tokenError.error
      throw toKafkaError(err, { role: 'producer', action: `Connecting to Kafka broker ${this.#brokers}` })
    } finally {
      clearTimeout(timer)
    }
  }

  async #sendBatch(batch: Pending[]): Promise<void> {
    const topic = batch[0]!.topic
    const now = Date.now()
    const live: Pending[] = []
    for (const p of batch) {
      if (p.deadline <= now) this.#fail(p, this.#timeoutError(p, undefined))
      else live.push(p)
    }
    if (live.length === 0) return
    const sticky = this.#batchNumber++
    for (const p of live) {
      if (p.message.key === null && p.message.partition === undefined)
        this.#assignments.stick(p.message, sticky)
    }
    const messages = live.map((p) => p.message)
    const { guaranteedDelivery, tuning } = this.#opts
    let lastError: KafkaError | undefined
    let deadlineTimer: NodeJS.Timeout | undefined
    const armDeadline = (): void => {
      const open = live.filter((p) => !p.settled)
      if (open.length === 0) return
      const next = Math.min(...open.map((p) => p.deadline))
      deadlineTimer = setTimeout(
        () => {
          const t = Date.now()
          for (const p of open) if (p.deadline <= t) this.#fail(p, this.#timeoutError(p, lastError))
          armDeadline()
        },
        Math.max(0, next - Date.now()),
      )
    }
    armDeadline()
    try {
      for (let attempt = 0; ; attempt++) {
        const since = Date.now()
        let connectedBefore = this.#everConnected
        try {
          await this.#ensureConnected()
          connectedBefore = true
          const metadata: RecordMetadata[] = await this.#producer.sendBatch({
            topicMessages: [{ topic, messages }],
            acks: this.#acks,
            compression: tuning.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
          })
          const partitions = messages.map((m) => this.#assignments.get(m) ?? m.partition ?? -1)
          const placed = placeMessages(topic, partitions, metadata)
          for (const [i, p] of live.entries()) this.#succeed(p, placed[i]!)
          return
        } catch (err) {
          const partitions = new Set(live.map((p) => this.#assignments.get(p.message) ?? p.message.partition))
          const partition = partitions.size === 1 ? [...partitions][0] : undefined
          const error = this.#mapError(err, since, topic, partition)
          lastError = error
          const open = live.filter((p) => !p.settled)
          // Retry the very same request (same messages, partitions and, when idempotent, sequence numbers,
          // which kafkajs rolled back), so the broker de-duplicates it if an earlier attempt was written.
          // A producer that never reached the broker fails at once (KafkaConnectionError in bounded time).
          const retry =
            open.length > 0 &&
            !this.#closed &&
            connectedBefore &&
            isTransient(error, err) &&
            (!guaranteedDelivery || partition !== undefined)
          if (!retry) {
            if (error instanceof KafkaAuthenticationError) {
              this.#authError = { error, messages: open }
              await this.#resetConnection()
            }
            for (const p of open) this.#failPlaced(p, error, err, since, topic)
            if (!connectedBefore) {
              // Everything queued was waiting for the same connection.
              for (const p of this.#queue.drain()) this.#fail(p, error)
            }
            return
          }
          await sleep(Math.min(200 * 2 ** attempt, 2_000))
        }
      }
    } finally {
      clearTimeout(deadlineTimer)
    }
  }

  /** After an authentication failure: drop all connections, so the next message re-authenticates from scratch. */
  async #resetConnection(): Promise<void> {
    if (!this.#connected) return
    this.#connected = false
    await this.#producer.disconnect().catch(() => {})
  }

  /** Fail a message with the error mapped for its own partition, so the error names it. */
  #failPlaced(p: Pending, error: KafkaError, raw: unknown, since: number, topic: string): void {
    const partition = this.#assignments.get(p.message) ?? p.message.partition
    if (
      error instanceof KafkaMessageDeliveryError &&
      error.partition === undefined &&
      partition !== undefined
    ) {
      this.#fail(p, this.#mapError(raw, since, topic, partition))
    } else {
      this.#fail(p, error)
    }
  }

  #timeoutError(p: Pending, last: KafkaError | undefined): KafkaError {
    const partition = this.#assignments.get(p.message) ?? p.message.partition
    const where = `${p.topic}${partition === undefined ? '' : ` [partition ${partition}]`}`
    const message =
      `Message to ${where} was not acknowledged within ${this.#opts.tuning.deliveryTimeoutMs / 1000}s ` +
      `(delivery.timeout.ms)${last ? `; last error: ${last.message}` : ''}. It may still have been written.`
    if (last instanceof KafkaConnectionError) return new KafkaConnectionError(message, { cause: last })
    return new KafkaMessageDeliveryError(message, {
      code: 'ERR_KAFKA_MESSAGE_TIMED_OUT',
      topic: p.topic,
      partition,
      ...(last ? { cause: last } : {}),
    })
  }

  #succeed(p: Pending, placed: { partition: number; offset: number; logAppendTime: number }): void {
    if (p.settled) return
    const report: DeliveryReport = {
      topic: p.topic,
      partition: placed.partition,
      offset: placed.offset,
      key: p.key,
      timestamp: placed.logAppendTime >= 0 ? placed.logAppendTime : p.timestamp,
    }
    this.#settle(p)
    p.resolve(report)
    this.#callback(p, null, report)
  }

  #fail(p: Pending, error: KafkaError): void {
    if (p.settled) return
    this.#settle(p)
    p.reject(error)
    if (this.#failures.length < MAX_REMEMBERED_FAILURES) this.#failures.push({ error, pending: p })
    this.#callback(p, error, null)
  }

  #callback(p: Pending, err: KafkaError | null, report: DeliveryReport | null): void {
    if (!p.onDelivery) return
    try {
      p.onDelivery(err, report)
    } catch (cbErr) {
      const text = redactTokens(`onDelivery callback threw: ${(cbErr as Error)?.message ?? String(cbErr)}`)
      process.emitWarning(text, { code: 'GRACEDB_KAFKA_CALLBACK_ERROR' })
    }
  }

  #settle(p: Pending): void {
    p.settled = true
    this.#pending--
    if (this.#pending === 0) {
      for (const wake of this.#idleWaiters) wake()
    }
  }

  /** Resolve when nothing is pending, or after `ms` (never, when `undefined`). */
  #waitIdle(ms: number | undefined): Promise<void> {
    if (this.#pending === 0) return Promise.resolve()
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const done = (): void => {
        clearTimeout(timer)
        this.#idleWaiters.delete(done)
        resolve()
      }
      this.#idleWaiters.add(done)
      if (ms !== undefined) timer = setTimeout(done, ms)
    })
  }

  async #close(timeout: number): Promise<void> {
    let flushError: unknown
    try {
      await this.flush(timeout)
    } catch (err) {
      flushError = err
    }
    this.#closed = true
    if (this.#lingerTimer !== undefined) clearTimeout(this.#lingerTimer)
    this.#lingerTimer = undefined
    const closed = (): KafkaProducerError =>
      new KafkaProducerError('The producer was closed before the message was delivered', {
        code: 'ERR_KAFKA_PRODUCER_CLOSED',
      })
    for (const p of this.#queue.drain()) this.#fail(p, closed())
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      this.#producer.disconnect().catch(() => {}),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_DISCONNECT_TIMEOUT_MS)
      }),
    ])
    clearTimeout(timer)
    this.#connected = false
    for (const batch of this.#inFlightBatches) for (const p of batch) this.#fail(p, closed())
    this.#tokens.close()
    if (flushError !== undefined) throw flushError
  }
}
