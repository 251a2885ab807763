import { createKafkaTokenProvider, type KafkaTokenProvider } from '@gracedb-kafka/auth'
import {
  buildKafkaConfig,
  InvalidOptionError,
  KafkaAuthenticationError,
  KafkaConsumerError,
  type KafkaError,
  registerZstdCodec,
  secondsToMs,
  toKafkaError,
} from '@gracedb-kafka/core'
import { deriveInstanceName, makeTopicName } from '@gracedb-kafka/topics'
import kafkajs, {
  type Consumer,
  type EachBatchPayload,
  Kafka,
  type KafkaConfig,
  type KafkaMessage,
} from 'kafkajs'
import { type ConsumerMessage, decodeMessage } from './decode.js'
import { generateGroupId } from './group-id.js'
import { MessageBuffer } from './message-buffer.js'
import { type CommitEntry, OffsetTracker } from './offset-tracker.js'
import {
  type AutoOffsetReset,
  type ConsumerOptions,
  type ConsumerOptionsInput,
  parseConsumerOptions,
} from './options.js'
import { onStopSignal } from './signals.js'

/** Options of {@link GraceDbKafkaConsumer.poll}. */
export interface PollOptions {
  /** Seconds to wait for a message (default 1.0); a negative value waits without limit. */
  timeout?: number | undefined
}

/** Options of {@link GraceDbKafkaConsumer.stream}. */
export interface StreamOptions {
  /** Seconds per wait (default 1.0): a stop request is noticed within this time at the latest. */
  timeout?: number | undefined
  /** Most messages to yield; without it the stream runs until stopped. */
  count?: number | undefined
  /** Ends the stream (without an error) when aborted. */
  signal?: AbortSignal | undefined
}

interface Entry {
  topic: string
  partition: number
  message: KafkaMessage
  generation: number
}

const DEFAULT_CLIENT_ID = 'gracedb-kafka-consumer'

/**
 * A `poll()`/`stream()` timeout in ms (default 1 s). Any negative number waits without limit, as documented
 * here (core's `secondsToMs` takes only -1 for that, so other negatives are mapped to -1 first).
 */
function waitMs(value: number | undefined, option: string): number {
  if (value === undefined) return 1000
  const seconds = typeof value === 'number' && value < 0 ? -1 : value
  return secondsToMs(seconds, option, { forever: true }) ?? Number.POSITIVE_INFINITY
}

/**
 * Kafka consumer with SciToken authentication for GraceDB events (the spec's `GraceDbKafkaConsumer`), on kafkajs.
 *
 * By default it streams live: an ephemeral group id, `autoOffsetReset: 'latest'` and auto-commit, so a fresh
 * consumer sees only messages produced after it joins. Give a stable `groupId` to resume after a restart, and
 * `autoOffsetReset: 'earliest'` with a new group to replay a topic.
 *
 * kafkajs pushes fetched batches into a bounded buffer; `poll()` and `stream()` pull from it. When the buffer is
 * full the partitions are paused, so memory stays flat with a slow caller. An offset is committed only after its
 * message was handed to the caller (auto-commit), or when the caller commits it (`autoCommit: false`).
 *
 * @example
 * ```ts
 * import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
 *
 * await using consumer = new GraceDbKafkaConsumer({
 *   bootstrapServers: 'kafka-dev.ligo.org:9092',
 *   serviceUrl: 'https://gracedb-dev.ligo.org/api/',
 *   topics: 'test',
 *   caCertPath: '/tmp/cacert.pem',
 * })
 * for await (const msg of consumer.stream()) console.log(msg.value) // Ctrl-C ends the loop cleanly
 * ```
 */
export class GraceDbKafkaConsumer implements AsyncDisposable {
  /** GraceDB instance name used to namespace topics, e.g. `"gracedb-dev"`. */
  readonly instanceName: string
  /** The consumer group id (generated when not given). */
  readonly groupId: string
  /** Where a group without a committed offset starts. */
  readonly autoOffsetReset: AutoOffsetReset
  /** Whether handed-out offsets are committed automatically. */
  readonly autoCommit: boolean

  private readonly options: ConsumerOptions
  private readonly tokens: KafkaTokenProvider
  private readonly buffer: MessageBuffer<Entry>
  private readonly tracker = new OffsetTracker()
  private readonly lowWater: number
  private readonly stoppers = new Set<() => void>()
  private roomWaiters: (() => void)[] = []
  private topics: string[] | undefined
  private kafkaConsumer: Consumer | undefined
  private starting: Promise<void> | undefined
  private fatal: KafkaError | undefined
  private generation = 0
  private commitTimer: NodeJS.Timeout | undefined
  private closing: Promise<void> | undefined

  /**
   * Validate the options (throws `InvalidOptionError` naming the bad one). Nothing touches the network or the
   * token until the first `subscribe()`, `poll()` or `stream()`.
   */
  constructor(options: ConsumerOptionsInput) {
    this.options = parseConsumerOptions(options)
    // The reference producer compresses batches with zstd; kafkajs has no codec for it.
    // (Through the default export: Node cannot see these two as named exports of the CommonJS kafkajs.)
    registerZstdCodec(kafkajs.CompressionCodecs, kafkajs.CompressionTypes)
    this.instanceName = this.options.instanceName ?? deriveInstanceName(this.options.serviceUrl as string)
    this.groupId = this.options.groupId ?? generateGroupId()
    this.autoOffsetReset = this.options.autoOffsetReset
    this.autoCommit = this.options.autoCommit
    this.buffer = new MessageBuffer<Entry>(this.options.maxBufferedMessages)
    this.lowWater = Math.floor(this.options.maxBufferedMessages / 2)
    this.topics = this.options.topics?.map((t) => makeTopicName(this.instanceName, t))
    this.tokens = createKafkaTokenProvider(this.options.bootstrapServers, {
      scope: this.options.tokenScope,
      audience: this.options.tokenAudience,
      reloadCred: this.options.reloadCred,
      reloadBuffer: this.options.reloadBuffer,
    })
  }

  /**
   * Messages fetched and waiting for `poll()`/`stream()`, not yet handed out; never more than
   * `maxBufferedMessages`.
   *
   * @example
   * ```ts
   * console.log(`${consumer.bufferedMessages} messages buffered`)
   * ```
   */
  get bufferedMessages(): number {
    return this.buffer.size
  }

  /**
   * Partitions whose fetching is paused right now because the buffer is full (the caller is slower than the
   * broker); empty when not subscribed.
   *
   * @example
   * ```ts
   * if (consumer.pausedPartitions.length > 0) console.log('fetching paused: the caller is the bottleneck')
   * ```
   */
  get pausedPartitions(): { topic: string; partition: number }[] {
    const paused = this.kafkaConsumer?.paused() ?? []
    return paused.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })))
  }

  /** The namespaced topics currently subscribed (or to be subscribed on first use). */
  get subscription(): readonly string[] {
    return this.topics ?? []
  }

  /**
   * Subscribe to pipeline name(s), replacing any previous subscription. Names are namespaced with the instance
   * name (`"gstlal"` → `"gracedb-dev.gstlal"`). Resolves once the consumer has joined its group and knows where
   * it starts reading, so with `'latest'` every message produced afterwards will be seen.
   *
   * @throws KafkaConsumerError when the subscription fails; KafkaConnectionError when the broker is unreachable;
   * KafkaAuthenticationError (or KafkaTokenError) when authentication fails.
   * @example
   * ```ts
   * await consumer.subscribe(['gstlal', 'pycbc'])
   * ```
   */
  async subscribe(topics: string | string[]): Promise<void> {
    const list = typeof topics === 'string' ? [topics] : topics
    if (!Array.isArray(list) || list.length === 0) {
      throw new InvalidOptionError(
        'topics',
        'subscribe(): expected a pipeline name or a non-empty array of them',
      )
    }
    const names = list.map((t) => makeTopicName(this.instanceName, t))
    this.assertOpen()
    if (this.starting !== undefined) {
      await this.starting.catch(() => {})
      this.starting = undefined
      await this.teardown()
    }
    this.topics = names
    await this.ensureStarted()
  }

  /**
   * Wait up to `timeout` seconds for one message. Resolves with the message, or `null` when none arrived.
   * The message counts as handed out: with auto-commit its offset may be committed from now on.
   *
   * @throws KafkaConsumerError on a consumer failure; KafkaAuthenticationError when authentication failed.
   * @example
   * ```ts
   * const msg = await consumer.poll({ timeout: 1.0 })
   * if (msg !== null) handle(msg.value)
   * ```
   */
  async poll(options: PollOptions = {}): Promise<ConsumerMessage | null> {
    const timeoutMs = waitMs(options.timeout, 'timeout')
    await this.ensureStarted()
    const entry = await this.take(timeoutMs, undefined)
    if (entry === null) return null
    this.markHandedOut(entry)
    return this.decode(entry)
  }

  /**
   * Yield messages until `count` were yielded, `stop()` is called, `signal` aborts, or the process receives
   * SIGINT or SIGTERM. While it runs, those two signals end the loop instead of the process; the previous
   * handlers are restored when the generator finishes (also on `break`, `return` or a thrown error).
   * With auto-commit, a message's offset becomes committable when the loop asks for the next one (or ends),
   * that is after the caller has processed it.
   *
   * @example
   * ```ts
   * for await (const msg of consumer.stream({ timeout: 1, count: 10 })) console.log(msg.offset, msg.value)
   * ```
   */
  async *stream(options: StreamOptions = {}): AsyncGenerator<ConsumerMessage, void, undefined> {
    const timeoutMs = waitMs(options.timeout, 'timeout')
    const count = options.count
    if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
      throw new InvalidOptionError('count', 'option "count": expected a whole number >= 0')
    }
    const wake = new AbortController()
    let running = true
    const end = (): void => {
      running = false
      wake.abort()
    }
    this.stoppers.add(end)
    const release = onStopSignal(end)
    const external = options.signal
    external?.addEventListener('abort', end, { once: true })
    if (external?.aborted) end()
    let pending: Entry | undefined
    let yielded = 0
    try {
      if (running) await this.ensureStarted()
      while (running && (count === undefined || yielded < count)) {
        const entry = this.takeNow() ?? (await this.take(timeoutMs, wake.signal))
        if (entry === null) continue
        pending = entry
        yielded++
        yield this.decode(entry)
        this.markHandedOut(entry)
        pending = undefined
      }
    } finally {
      if (pending !== undefined) this.markHandedOut(pending)
      release()
      this.stoppers.delete(end)
      external?.removeEventListener('abort', end)
      if (this.autoCommit && this.kafkaConsumer !== undefined && this.closing === undefined) {
        await this.commitEntries(this.kafkaConsumer, this.tracker.pending()).catch(() => {})
      }
    }
  }

  /**
   * Commit offsets now. With a message: everything of its partition up to and including it (hop-client's
   * `mark_done`); this is how to commit with `autoCommit: false`. Without one: every message handed out so far.
   * A message of a partition this consumer no longer owns (after a rebalance) is not committed: its new owner
   * will deliver it again.
   *
   * @throws KafkaConsumerError when the broker refuses the commit.
   * @example
   * ```ts
   * for await (const msg of consumer.stream()) {
   *   await handle(msg)
   *   await consumer.commit(msg)
   * }
   * ```
   */
  async commit(message?: ConsumerMessage): Promise<void> {
    this.assertOpen()
    const kc = this.kafkaConsumer
    if (kc === undefined) return
    let entries: CommitEntry[]
    if (message === undefined) entries = this.tracker.pending()
    else {
      const entry = this.tracker.entryFor(message.topic, message.partition, message.offset)
      entries = entry === undefined ? [] : [entry]
    }
    await this.commitEntries(kc, entries)
  }

  /**
   * Ask every running `stream()` loop to finish (the spec's `stop()`); a later `stream()` runs again.
   *
   * @example
   * ```ts
   * setTimeout(() => consumer.stop(), 10_000)
   * for await (const msg of consumer.stream()) console.log(msg)
   * ```
   */
  stop(): void {
    for (const end of [...this.stoppers]) end()
  }

  /**
   * Leave the group cleanly and release everything; idempotent. With auto-commit the offsets of messages
   * handed out are committed first (an error doing so is thrown after the consumer is closed).
   *
   * @example
   * ```ts
   * await consumer.close()
   * ```
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stop()
      this.buffer.wake()
      await this.starting?.catch(() => {})
      try {
        await this.teardown()
      } finally {
        this.tokens.close()
      }
    })()
    return this.closing
  }

  /** `await using consumer = new GraceDbKafkaConsumer(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  private assertOpen(): void {
    if (this.closing !== undefined) {
      throw new KafkaConsumerError('the consumer is closed', { code: 'ERR_KAFKA_CONSUMER_CLOSED' })
    }
  }

  private ensureStarted(): Promise<void> {
    this.assertOpen()
    if (this.fatal !== undefined) return Promise.reject(this.fatal)
    if (this.starting !== undefined) return this.starting
    const topics = this.topics
    if (topics === undefined) {
      return Promise.reject(
        new KafkaConsumerError('not subscribed: pass "topics" to the constructor or call subscribe() first', {
          code: 'ERR_KAFKA_CONSUMER_NOT_SUBSCRIBED',
        }),
      )
    }
    const starting = this.start(topics)
    this.starting = starting
    starting.catch(() => {
      if (this.starting === starting) this.starting = undefined
    })
    return starting
  }

  private async take(timeoutMs: number, signal: AbortSignal | undefined): Promise<Entry | null> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (this.fatal !== undefined) throw this.fatal
      const entry = await this.buffer.take(Math.max(0, deadline - Date.now()), signal)
      if (this.fatal !== undefined) throw this.fatal
      if (entry === null) return null
      this.maybeResume()
      if (entry.generation === this.generation) return entry
      // an entry fetched before a rebalance: its partition restarts from the committed offset, drop it
    }
  }

  /** Take a buffered entry without waiting (the fast path of a busy stream), or `undefined`. */
  private takeNow(): Entry | undefined {
    if (this.fatal !== undefined) throw this.fatal
    for (let entry = this.buffer.tryTake(); entry !== undefined; entry = this.buffer.tryTake()) {
      this.maybeResume()
      if (entry.generation === this.generation) return entry
    }
    return undefined
  }

  /**
   * The caller has `entry`: its offset may be committed from now on. Not when a rebalance (or a restart of the
   * kafkajs consumer) happened since it was fetched: the partition may belong to another member now, and its
   * owner reads the message again from the committed offset.
   */
  private markHandedOut(entry: Entry): void {
    if (entry.generation !== this.generation) return
    this.tracker.markHandedOut(entry.topic, entry.partition, Number(entry.message.offset))
  }

  private decode(entry: Entry): ConsumerMessage {
    return decodeMessage(entry.topic, entry.partition, entry.message)
  }

  /** Wake the paused fetch loop once the caller has drained the buffer to the low-water mark. */
  private maybeResume(): void {
    if (this.roomWaiters.length === 0 || this.buffer.size > this.lowWater) return
    this.wakeRoomWaiters()
  }

  private wakeRoomWaiters(): void {
    const waiters = this.roomWaiters
    this.roomWaiters = []
    for (const w of waiters) w()
  }

  private waitForRoom(maxMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, maxMs)
      const self = this
      function done(): void {
        clearTimeout(timer)
        const i = self.roomWaiters.indexOf(done)
        if (i >= 0) self.roomWaiters.splice(i, 1)
        resolve()
      }
      this.roomWaiters.push(done)
    })
  }

  /** Drop everything fetched but not handed out: after a rebalance kafkajs refetches from committed offsets. */
  private invalidateBuffer(): void {
    this.generation++
    this.buffer.clear()
    this.wakeRoomWaiters()
  }

  private async commitEntries(kc: Consumer, entries: CommitEntry[]): Promise<void> {
    if (entries.length === 0) return
    try {
      await kc.commitOffsets(entries)
      this.tracker.markCommitted(entries)
    } catch (err) {
      throw toKafkaError(err, { role: 'consumer', action: 'commit offsets' })
    }
  }

  private async start(topics: string[]): Promise<void> {
    // Discover the token first, so a missing or invalid token surfaces as itself (KafkaTokenError).
    await this.tokens.provide()
    const { client, consumer: settings } = this.options
    const config = buildKafkaConfig(this.options, {
      clientId: this.options.clientId ?? DEFAULT_CLIENT_ID,
      oauthBearerProvider: this.tokens.provide,
      // core sets the re-authentication threshold and token-redacting, silent-by-default logs
      kafkaConfig: client,
    })
    const kafka = new Kafka(config as unknown as KafkaConfig)
    const kc = kafka.consumer({
      maxWaitTimeInMs: 500,
      ...(settings as object),
      groupId: this.groupId,
    })
    this.kafkaConsumer = kc
    const servers = this.options.bootstrapServers.join(',')

    let readyResolve: () => void = () => {}
    let readyReject: (err: KafkaError) => void = () => {}
    const ready = new Promise<void>((resolve, reject) => {
      readyResolve = resolve
      readyReject = reject
    })
    ready.catch(() => {})
    let joined = false
    let isReady = false

    kc.on(kc.events.GROUP_JOIN, (event) => {
      if (this.kafkaConsumer !== kc) return
      this.invalidateBuffer()
      this.tracker.assign(event.payload.memberAssignment)
      joined = true
    })
    kc.on(kc.events.FETCH, () => {
      if (joined && !isReady) {
        isReady = true
        readyResolve()
      }
    })
    kc.on(kc.events.REBALANCING, () => {
      if (this.kafkaConsumer !== kc) return
      this.invalidateBuffer()
      // Commit what the caller already has before re-joining, so the next owner starts after it. The request is
      // queued now, ahead of kafkajs's FindCoordinator + JoinGroup round trips.
      if (this.autoCommit) this.commitEntries(kc, this.tracker.pending()).catch(() => {})
    })
    kc.on(kc.events.CRASH, (event) => {
      if (this.kafkaConsumer !== kc) return
      this.invalidateBuffer()
      const error = toKafkaError(event.payload.error, { role: 'consumer', action: `consume from ${servers}` })
      const fatal = !event.payload.restart || error instanceof KafkaAuthenticationError
      if (!isReady) {
        // kafkajs restarts on retriable errors (e.g. a coordinator still loading): keep waiting, bounded below
        if (fatal) readyReject(error)
        return
      }
      if (fatal) {
        this.fatal = error
        this.buffer.wake()
        kc.stop().catch(() => {})
      }
    })

    const eachBatch = async ({
      batch,
      resolveOffset,
      isRunning,
      isStale,
      heartbeat,
      pause,
    }: EachBatchPayload) => {
      const generation = this.generation
      const { topic, partition } = batch
      const live = (): boolean =>
        isRunning() && !isStale() && generation === this.generation && this.kafkaConsumer === kc
      let last: string | undefined
      try {
        for (const message of batch.messages) {
          if (!this.buffer.hasRoom()) {
            // The caller is slower than the broker: pause this partition and hold the fetch loop until the
            // caller has drained the buffer to the low-water mark (not merely one free slot, which would pause
            // and resume once per message). Heartbeats keep the group membership alive; a rebalance surfaces as
            // a heartbeat error, which kafkajs handles by re-joining.
            if (last !== undefined) resolveOffset(last)
            const resume = pause()
            try {
              while (this.buffer.size > this.lowWater && live()) {
                await this.waitForRoom(1000)
                await heartbeat()
              }
            } finally {
              if (this.kafkaConsumer === kc) resume()
            }
          }
          if (!live()) break
          this.buffer.push({ topic, partition, message, generation })
          last = message.offset
        }
      } finally {
        // Advance kafkajs's fetch position past what the buffer took; anything else is fetched again.
        if (last !== undefined && generation === this.generation) resolveOffset(last)
      }
    }

    const fail = async (err: unknown, action: string): Promise<never> => {
      const error = toKafkaError(err, { role: 'consumer', action })
      if (this.kafkaConsumer === kc) this.kafkaConsumer = undefined
      await kc.disconnect().catch(() => {})
      throw error
    }

    try {
      await kc.connect()
    } catch (err) {
      return fail(err, `connect to ${servers}`)
    }
    try {
      await kc.subscribe({ topics, fromBeginning: this.autoOffsetReset === 'earliest' })
    } catch (err) {
      return fail(err, `subscribe to ${topics.join(', ')}`)
    }
    const rebalanceTimeout = settings.rebalanceTimeout ?? 60_000
    const timer = setTimeout(
      () =>
        readyReject(
          new KafkaConsumerError(`subscribe to ${topics.join(', ')} failed: timed out joining the group`, {
            code: 'ERR_KAFKA_CONSUMER_JOIN_TIMEOUT',
          }),
        ),
      rebalanceTimeout + 15_000,
    )
    try {
      await kc.run({ eachBatch, autoCommit: false, eachBatchAutoResolve: false })
      await ready
    } catch (err) {
      return fail(err, `subscribe to ${topics.join(', ')}`)
    } finally {
      clearTimeout(timer)
    }
    if (this.autoCommit) {
      this.commitTimer = setInterval(() => {
        if (this.kafkaConsumer === kc) this.commitEntries(kc, this.tracker.pending()).catch(() => {})
      }, this.options.autoCommitIntervalMs)
      this.commitTimer.unref()
    }
  }

  /** Stop the current kafkajs consumer: with auto-commit, commit handed-out offsets; then leave the group. */
  private async teardown(): Promise<void> {
    if (this.commitTimer !== undefined) clearInterval(this.commitTimer)
    this.commitTimer = undefined
    const kc = this.kafkaConsumer
    if (kc === undefined) return
    let failure: unknown
    if (this.autoCommit && this.fatal === undefined) {
      try {
        await this.commitEntries(kc, this.tracker.pending())
      } catch (err) {
        failure = err
      }
    }
    this.kafkaConsumer = undefined
    this.generation++
    this.buffer.clear()
    this.wakeRoomWaiters()
    await kc.disconnect().catch(() => {})
    if (failure !== undefined) throw failure
  }
}
