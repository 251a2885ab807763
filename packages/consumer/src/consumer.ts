import { createKafkaTokenProvider } from '@gracedb-kafka/auth'
import {
  fixFetchDecoding,
  fixRequestQueueScheduling,
  fixSeedBrokerRemoval,
  InvalidOptionError,
  registerCodecs,
} from '@gracedb-kafka/core'
import kafkajs from 'kafkajs'
import { type PollOptions, parsePollOptions, type StreamOptions } from './call-options.js'
import { type ConsumerMessage, decodeMessage } from './decode.js'
import { ConsumerEngine } from './engine.js'
import type { GraceDbStreamOptions, GraceDbUpload } from './gracedb-message.js'
import { generateGroupId } from './group-id.js'
import { namespacedTopics, resolveInstanceName } from './naming.js'
import { type AutoOffsetReset, type ConsumerOptionsInput, parseConsumerOptions } from './options.js'
import { streamMessages } from './stream.js'
import type { StreamHost } from './stream-loop.js'

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

  private readonly engine: ConsumerEngine
  private readonly host: StreamHost
  private topics: string[] | undefined

  /**
   * Validate the options (throws `InvalidOptionError` naming the bad one). Nothing touches the network or the
   * token until the first `subscribe()`, `poll()` or `stream()`.
   */
  constructor(options: ConsumerOptionsInput) {
    const parsed = parseConsumerOptions(options)
    // Other producers (the reference among them) compress batches with zstd, lz4 or snappy; kafkajs decodes
    // only gzip. Through the default export: Node cannot see these as named exports of the CommonJS kafkajs.
    registerCodecs(kafkajs.CompressionCodecs, kafkajs.CompressionTypes)
    fixRequestQueueScheduling(import.meta.url) // kafkajs#1704/#1751: no 1 ms polling of idle connections
    fixSeedBrokerRemoval(import.meta.url) // kafkajs: removing the last known broker left no seed broker
    fixFetchDecoding(import.meta.url) // kafkajs's Fetch v11 decoder: a Decoder, Longs and slices per record
    this.instanceName = resolveInstanceName(parsed)
    this.groupId = parsed.groupId ?? generateGroupId()
    this.autoOffsetReset = parsed.autoOffsetReset
    this.autoCommit = parsed.autoCommit
    this.topics = parsed.topics && namespacedTopics(this.instanceName, parsed.topics, 'topics')
    const tokens = createKafkaTokenProvider(parsed.bootstrapServers, {
      scope: parsed.tokenScope,
      audience: parsed.tokenAudience,
      reloadCred: parsed.reloadCred,
      reloadBuffer: parsed.reloadBuffer,
    })
    this.engine = new ConsumerEngine(parsed, this.groupId, tokens)
    this.host = this.engine.host(() => this.topics)
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
    return this.engine.bp.size
  }

  /**
   * Bytes of keys and values fetched and waiting for `poll()`/`stream()`, not yet handed out; fetching pauses
   * once they reach `maxBufferedBytes`.
   *
   * @example
   * ```ts
   * console.log(`${(consumer.bufferedBytes / 2 ** 20).toFixed(1)} MiB buffered`)
   * ```
   */
  get bufferedBytes(): number {
    return this.engine.bp.bytes
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
    return this.engine.paused()
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
    const names = namespacedTopics(this.instanceName, list, 'topics')
    this.engine.assertOpen()
    await this.engine.restart()
    this.topics = names
    await this.engine.ensureStarted(this.topics)
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
    await this.engine.ensureStarted(this.topics)
    const entry = await this.engine.take(timeoutMs)
    return entry === null ? null : decodeMessage(entry.topic, entry.partition, entry.message)
  }

  /**
   * Yield messages until `count` were yielded, `stop()` is called, `signal` aborts, or the process receives
   * SIGINT or SIGTERM. While it runs, those two signals end the loop instead of the process; the previous
   * handlers are restored when the generator finishes (also on `break`, `return` or a thrown error).
   * With auto-commit, a message's offset becomes committable when the loop asks for the next one (or ends),
   * that is after the caller has processed it; the end of the loop commits them (waiting at most
   * `commitTimeout`). With `gracedb: true` it yields validated {@link GraceDbUpload}s only (event file decoded,
   * pings skipped) and reports any other message to `onInvalid`; `count` then counts uploads.
   *
   * @example
   * ```ts
   * for await (const msg of consumer.stream({ timeout: 1, count: 10 })) console.log(msg.offset, msg.value)
   * for await (const event of consumer.stream({ gracedb: true, onInvalid: (err) => console.warn(err.message) }))
   *   console.log(event.upload.graceid, event.eventFile.filename, event.eventFile.contents.length)
   * ```
   */
  stream(options: StreamOptions & GraceDbStreamOptions): AsyncGenerator<GraceDbUpload, void, undefined>
  stream(options?: StreamOptions): AsyncGenerator<ConsumerMessage, void, undefined>
  stream(
    options?: StreamOptions & Partial<GraceDbStreamOptions>,
  ): AsyncGenerator<ConsumerMessage | GraceDbUpload> {
    return streamMessages(this.host, options)
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
    this.engine.assertOpen()
    if (!this.engine.active) return message === undefined
    if (message === undefined) return this.engine.committer.commitPending(true)
    return this.engine.committer.commitMessage(message.topic, message.partition, message.offset)
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
    this.engine.stop()
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
    return this.engine.close()
  }

  /** `await using consumer = new GraceDbKafkaConsumer(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
