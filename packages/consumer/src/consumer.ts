import { createKafkaTokenProvider, type KafkaTokenProvider } from '@gracedb-kafka/auth'
import { InvalidOptionError, KafkaConsumerError, type KafkaError, registerCodecs } from '@gracedb-kafka/core'
import { deriveInstanceName, makeTopicName } from '@gracedb-kafka/topics'
import kafkajs from 'kafkajs'
import { BackPressure, type BufferedEntry } from './back-pressure.js'
import { type PollOptions, parsePollOptions, parseStreamOptions, type StreamOptions } from './call-options.js'
import { Committer } from './committer.js'
import { type ConsumerMessage, decodeMessage } from './decode.js'
import { generateGroupId } from './group-id.js'
import { GroupSession } from './group-session.js'
import { OffsetTracker } from './offset-tracker.js'
import {
  type AutoOffsetReset,
  type ConsumerOptions,
  type ConsumerOptionsInput,
  parseConsumerOptions,
} from './options.js'
import { onStopSignal } from './signals.js'

export type { PollOptions, StreamOptions } from './call-options.js'

/**
 * Kafka consumer with SciToken authentication for GraceDB events (the spec's `GraceDbKafkaConsumer`), on kafkajs.
 *
 * By default it streams live: an ephemeral group id, `autoOffsetReset: 'latest'` and auto-commit, so a fresh
 * consumer sees only messages produced after it joins. Give a stable `groupId` to resume after a restart, and
 * `autoOffsetReset: 'earliest'` with a new group to replay a topic. Memory stays bounded with a slow caller;
 * an offset is committed only after its message reached the caller, and commits ride out coordinator failovers.
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
  private readonly bp: BackPressure
  private readonly tracker = new OffsetTracker()
  private readonly committer: Committer
  private readonly stoppers = new Set<() => void>()
  private topics: string[] | undefined
  private session: GroupSession | undefined
  private starting: Promise<GroupSession> | undefined
  private fatal: KafkaError | undefined
  private commitTimer: NodeJS.Timeout | undefined
  private closing: Promise<void> | undefined

  /**
   * Validate the options (throws `InvalidOptionError` naming the bad one). Nothing touches the network or the
   * token until the first `subscribe()`, `poll()` or `stream()`.
   */
  constructor(options: ConsumerOptionsInput) {
    this.options = parseConsumerOptions(options)
    // Other producers (the reference among them) compress batches with zstd, lz4 or snappy; kafkajs decodes
    // only gzip. Through the default export: Node cannot see these as named exports of the CommonJS kafkajs.
    registerCodecs(kafkajs.CompressionCodecs, kafkajs.CompressionTypes)
    this.instanceName = this.options.instanceName ?? deriveInstanceName(this.options.serviceUrl as string)
    this.groupId = this.options.groupId ?? generateGroupId()
    this.autoOffsetReset = this.options.autoOffsetReset
    this.autoCommit = this.options.autoCommit
    this.bp = new BackPressure(this.options.maxBufferedMessages)
    this.committer = new Committer(
      this.tracker,
      this.options.commitTimeoutMs,
      () => this.session,
      () =>
        this.fatal ?? (this.closing !== undefined && this.session === undefined ? closedError() : undefined),
    )
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
    return this.bp.size
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
    return this.session?.paused() ?? []
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
  async poll(options?: PollOptions): Promise<ConsumerMessage | null> {
    const timeoutMs = parsePollOptions(options)
    await this.ensureStarted()
    const entry = await this.bp.take(timeoutMs, undefined, this.check)
    if (entry === null) return null
    this.markHandedOut(entry)
    return decodeMessage(entry.topic, entry.partition, entry.message)
  }

  /**
   * Yield messages until `count` were yielded, `stop()` is called, `signal` aborts, or the process receives
   * SIGINT or SIGTERM. While it runs, those two signals end the loop instead of the process; the previous
   * handlers are restored when the generator finishes (also on `break`, `return` or a thrown error).
   * With auto-commit, a message's offset becomes committable when the loop asks for the next one (or ends),
   * that is after the caller has processed it; the end of the loop commits them (waiting at most
   * `commitTimeout`).
   *
   * @example
   * ```ts
   * for await (const msg of consumer.stream({ timeout: 1, count: 10 })) console.log(msg.offset, msg.value)
   * ```
   */
  async *stream(options?: StreamOptions): AsyncGenerator<ConsumerMessage, void, undefined> {
    const { waitMs, count, signal: external } = parseStreamOptions(options)
    const wake = new AbortController()
    let running = true
    const end = (): void => {
      running = false
      wake.abort()
    }
    this.stoppers.add(end)
    const release = onStopSignal(end)
    external?.addEventListener('abort', end, { once: true })
    if (external?.aborted) end()
    let pending: BufferedEntry | undefined
    let yielded = 0
    try {
      if (running) await this.ensureStarted()
      while (running && (count === undefined || yielded < count)) {
        this.check()
        const entry = this.bp.takeNow() ?? (await this.bp.take(waitMs, wake.signal, this.check))
        if (entry === null) continue
        pending = entry
        yielded++
        yield decodeMessage(entry.topic, entry.partition, entry.message)
        this.markHandedOut(entry)
        pending = undefined
      }
    } finally {
      if (pending !== undefined) this.markHandedOut(pending)
      release()
      this.stoppers.delete(end)
      external?.removeEventListener('abort', end)
      if (this.autoCommit && this.session !== undefined && this.closing === undefined) {
        await this.committer.commitPending(true).catch(() => {})
      }
    }
  }

  /**
   * Commit offsets now. With a message: everything of its partition up to and including it (hop-client's
   * `mark_done`); this is how to commit with `autoCommit: false`. Without one: every message handed out so far.
   *
   * A commit is retried across coordinator failovers, re-joins and restarts of the group session for up to
   * `commitTimeout` seconds (default 30). It never commits a partition this consumer no longer owns: then it
   * resolves `false`, and the partition's owner (possibly this consumer again) delivers the message once more.
   *
   * @returns `true` when the offset is stored by the broker, `false` when its partition was revoked.
   * @throws KafkaConsumerError when no coordinator accepted the commit within `commitTimeout` (`cause`: the last
   * failure), or at once when the broker refuses it for good (e.g. not authorised).
   * @example
   * ```ts
   * for await (const msg of consumer.stream()) {
   *   await handle(msg)
   *   await consumer.commit(msg)
   * }
   * ```
   */
  async commit(message?: ConsumerMessage): Promise<boolean> {
    if (
      message !== undefined &&
      (message === null || typeof message !== 'object' || !Number.isInteger(message.offset))
    ) {
      throw new InvalidOptionError('message', 'commit(): expected a message received from this consumer')
    }
    this.assertOpen()
    if (this.session === undefined && this.starting === undefined) return message === undefined
    if (message === undefined) return this.committer.commitPending(true)
    return this.committer.commitMessage(message.topic, message.partition, message.offset)
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
      this.bp.wake()
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

  /** Throws the fatal error that ended the session, if any (a bound arrow: passed to the buffer). */
  private readonly check = (): void => {
    if (this.fatal !== undefined) throw this.fatal
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw closedError()
  }

  private ensureStarted(): Promise<GroupSession> {
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

  private async start(topics: string[]): Promise<GroupSession> {
    const session = await GroupSession.start(
      this.options,
      this.tokens,
      this.groupId,
      topics,
      this.bp,
      this.tracker,
      {
        // Commit what the caller already has before re-joining, so the next owner starts after it.
        onRebalancing: () => {
          if (this.autoCommit) this.committer.commitPending(false).catch(() => {})
        },
        onFatal: (error) => {
          this.fatal = error
          this.bp.wake()
        },
      },
    )
    this.session = session
    if (this.autoCommit) {
      let busy = false
      this.commitTimer = setInterval(() => {
        if (busy) return
        busy = true
        this.committer
          .commitPending(false)
          .catch(() => {})
          .finally(() => {
            busy = false
          })
      }, this.options.autoCommitIntervalMs)
      this.commitTimer.unref()
    }
    return session
  }

  /**
   * The caller has `entry`: its offset may be committed from now on. Not when a rebalance (or a restart of the
   * kafkajs consumer) happened since it was fetched: the partition may belong to another member now, and its
   * owner reads the message again from the committed offset.
   */
  private markHandedOut(entry: BufferedEntry): void {
    if (entry.epoch !== this.bp.epoch) return
    this.tracker.markHandedOut(entry.topic, entry.partition, Number(entry.message.offset))
  }

  /** End the current session: with auto-commit, commit handed-out offsets first; then leave the group. */
  private async teardown(): Promise<void> {
    if (this.commitTimer !== undefined) clearInterval(this.commitTimer)
    this.commitTimer = undefined
    const session = this.session
    if (session === undefined) return
    let failure: unknown
    if (this.autoCommit && this.fatal === undefined) {
      try {
        await this.committer.commitPending(false)
      } catch (err) {
        failure = err
      }
    }
    this.session = undefined
    await session.end()
    if (failure !== undefined) throw failure
  }
}

function closedError(): KafkaConsumerError {
  return new KafkaConsumerError('the consumer is closed', { code: 'ERR_KAFKA_CONSUMER_CLOSED' })
}
