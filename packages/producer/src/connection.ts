import { createOAuthCallback, type OAuthToken, SciTokenRefreshManager } from '@gracedb-kafka/auth'
import {
  buildKafkaConfig,
  fixRequestQueueScheduling,
  fixSeedBrokerRemoval,
  formatBrokerList,
  KafkaConnectionError,
  KafkaError,
  KafkaTokenError,
  toKafkaError,
  withTimeout,
} from '@gracedb-kafka/core'
import { Kafka, type KafkaConfig, type Producer } from 'kafkajs'
import { IdempotentSession } from './idempotent-session.js'
import { kafkaProducerSettings } from './kafka-settings.js'
import type { ProducerOptions } from './options.js'
import { createConsistentPartitioner, PartitionAssignments } from './partitioner.js'
import { TopicMetadata } from './topic-metadata.js'

type Token = { value: string; principal: string; scope: string }

const CLOSE_DISCONNECT_TIMEOUT_MS = 5_000
/** How long a failed connect waits for kafkajs to drop its connections before reporting the failure. */
const DISCONNECT_AFTER_FAILURE_MS = 250

/**
 * The producer's link to the cluster: the SciToken source, the kafkajs producer (replaced by a fresh one, with a
 * new producer id, by {@link ProducerConnection.renewProducerId}), and a kafkajs admin client for topic metadata
 * (partition counts and leaders, topic existence). Connection and token failures are mapped to the error tree.
 *
 * @example
 * ```ts
 * const conn = new ProducerConnection(parseProducerOptions(input))
 * await conn.ensureConnected()
 * const partitions = await conn.partitions('gracedb-dev.test')
 * ```
 */
export class ProducerConnection {
  readonly acks: -1 | 1
  readonly idempotent: boolean
  readonly #opts: ProducerOptions
  /** The brokers as ligo-gracedb writes them, for messages only (kafkajs gets them from buildKafkaConfig). */
  readonly #brokers: string
  /** The token refresh manager (with `reloadCred`), else `null`. */
  readonly refreshManager: SciTokenRefreshManager | null
  readonly #tokens: { provide: () => Promise<OAuthToken>; close: () => void }
  readonly #kafka: Kafka
  readonly #producerConfig: ReturnType<typeof kafkaProducerSettings>['producerConfig']
  #producer: Producer
  /** The broker's topics and their partitions. */
  readonly metadata: TopicMetadata
  /** The producer id and connections of the pipelined send path (idempotent producers only). */
  readonly session: IdempotentSession | undefined
  #connected = false
  #everConnected = false
  #connecting: Promise<void> | undefined
  #tokenError: { error: KafkaError; at: number } | undefined
  /** Incremented each time the producer id is renewed. */
  #generation = 0
  #inFlight = 0
  #renewDue = false
  #renewing: Promise<void> | undefined
  readonly #quiet = new Set<() => void>()

  constructor(opts: ProducerOptions) {
    this.#opts = opts
    this.#brokers = formatBrokerList(opts.bootstrapServers)
    // As ligo-gracedb builds its oauth_cb: a refresh manager with reloadCred, else discovery on each use.
    const request = {
      scope: opts.tokenScope,
      ...(opts.tokenAudience === undefined ? {} : { audience: opts.tokenAudience }),
    }
    if (opts.reloadCred) {
      const manager = new SciTokenRefreshManager(opts.bootstrapServers, {
        ...request,
        refreshBuffer: opts.reloadBuffer,
      })
      this.refreshManager = manager
      this.#tokens = { provide: manager.createCallback(), close: () => manager.close() }
    } else {
      this.refreshManager = null
      this.#tokens = { provide: createOAuthCallback(opts.bootstrapServers, request), close: () => {} }
    }
    const config = buildKafkaConfig(opts, {
      // parseProducerOptions applied the one precedence rule (clientId beats kafkaConfig's client.id).
      clientId: opts.clientId ?? 'gracedb-kafka-producer',
      oauthBearerProvider: () => this.#provideToken(),
      kafkaConfig: opts.kafkaConfig,
    })
    // Every message carries an explicit partition (chosen by the sender); the partitioner keeps it.
    const { acks, producerConfig } = kafkaProducerSettings(
      opts,
      createConsistentPartitioner(new PartitionAssignments()),
    )
    this.acks = acks
    this.idempotent = producerConfig.idempotent === true
    this.#producerConfig = producerConfig
    fixRequestQueueScheduling(import.meta.url) // kafkajs#1704/#1751: no 1 ms polling of idle connections
    fixSeedBrokerRemoval(import.meta.url) // kafkajs: removing the last known broker left no seed broker
    this.#kafka = new Kafka(config as unknown as KafkaConfig)
    this.#producer = this.#kafka.producer(producerConfig)
    // An empty send makes the kafkajs producer ask for the topic, which creates it where the broker
    // auto-creates topics (the admin client never asks for that).
    const autoCreate =
      producerConfig.allowAutoTopicCreation === false
        ? undefined
        : (topic: string) => this.#producer.send({ topic, messages: [], acks: this.acks })
    this.metadata = new TopicMetadata(this.#kafka, autoCreate)
    this.session = this.idempotent ? new IdempotentSession(this.#kafka) : undefined
  }

  /** The kafkajs producer in use now (a new one after {@link ProducerConnection.renewProducerId}). */
  get producer(): Producer {
    return this.#producer
  }

  /** How many times the producer id was renewed. */
  get generation(): number {
    return this.#generation
  }

  /** Whether a connection was ever established (a producer that never reached the broker fails fast). */
  get everConnected(): boolean {
    return this.#everConnected
  }

  /** The token for the next authentication; a failure is recorded and thrown as {@link KafkaTokenError}. */
  async discoverToken(): Promise<Token> {
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

  /** Map a kafkajs error; a token failure recorded since `since` wins (kafkajs hides it behind SASL errors). */
  mapError(err: unknown, since: number, topic?: string, partition?: number): KafkaError {
    if (this.#tokenError && this.#tokenError.at >= since) return this.#tokenError.error
    if (topic === undefined) {
      return toKafkaError(err, { role: 'producer', action: `Connecting to Kafka broker ${this.#brokers}` })
    }
    return toKafkaError(err, {
      role: 'delivery',
      action: `Delivery to ${topic}${partition === undefined ? '' : ` [partition ${partition}]`}`,
      topic,
      ...(partition === undefined ? {} : { partition }),
    })
  }

  /** Connect the kafkajs producer (and, idempotent, obtain a producer id), bounded by `connect.timeout.ms`. */
  async ensureConnected(): Promise<void> {
    if (this.#connected) return
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined
    })
    await this.#connecting
  }

  /** Drop every connection (after an authentication failure), so the next send authenticates from scratch. */
  async reset(): Promise<void> {
    if (!this.#connected) return
    this.#connected = false
    await Promise.all([this.#producer.disconnect().catch(() => {}), this.session?.reset()])
  }

  /**
   * Start a produce request: waits while the producer id is being renewed, then returns the kafkajs producer
   * to send with. Pair with {@link ProducerConnection.release}.
   */
  async acquire(): Promise<{ producer: Producer; generation: number }> {
    while (this.#renewing) await this.#renewing.catch(() => {})
    this.#inFlight++
    return { producer: this.#producer, generation: this.#generation }
  }

  /** End a produce request started with {@link ProducerConnection.acquire}. */
  release(): void {
    this.#inFlight--
    if (this.#inFlight === 0) for (const wake of this.#quiet) wake()
  }

  /**
   * Ask for a new producer id before the next request, because records sent under `generation` were given up
   * (or refused) without a known outcome. Ignored when the id was renewed since.
   */
  requestRenewal(generation: number): void {
    if (generation === this.#generation && this.idempotent) this.#renewDue = true
  }

  /** Renew the producer id if {@link ProducerConnection.requestRenewal} asked for it. */
  async renewIfDue(): Promise<void> {
    if (this.#renewDue) await this.renewProducerId(this.#generation)
  }

  /**
   * Replace the kafkajs producer by a fresh one, which gets a new producer id with sequence numbers from 0
   * (KIP-360's recovery when the broker lost or refused the producer's state). Waits until no request of the
   * old producer is in flight. Does nothing when the id was already renewed since `seen` (a {@link generation}).
   */
  async renewProducerId(seen: number): Promise<void> {
    if (this.#generation !== seen) return
    this.#renewing ??= (async () => {
      while (this.#inFlight > 0) await new Promise<void>((resolve) => this.#quiet.add(resolve))
      this.#quiet.clear()
      this.#renewDue = false
      const old = this.#producer
      this.#producer = this.#kafka.producer(this.#producerConfig)
      this.#connected = false
      this.#generation++
      await old.disconnect().catch(() => {})
    })().finally(() => {
      this.#renewing = undefined
    })
    await this.#renewing
    await this.ensureConnected()
  }

  /** Disconnect everything (bounded) and stop the token source. */
  async close(): Promise<void> {
    await withTimeout(
      Promise.all([
        this.#producer.disconnect().catch(() => {}),
        this.metadata.close(),
        this.session?.close(),
      ]),
      CLOSE_DISCONNECT_TIMEOUT_MS,
      () => undefined, // gave up waiting: the disconnect goes on in the background
    )
    this.#connected = false
    this.#tokens.close()
  }

  /** kafkajs's token provider: as `discoverToken`, but marked non-retriable so kafkajs does not retry it. */
  async #provideToken(): Promise<Token> {
    try {
      return await this.discoverToken()
    } catch (err) {
      throw Object.assign(new Error((err as Error).message), {
        name: 'KafkaJSNonRetriableError',
        retriable: false,
      })
    }
  }

  async #connect(): Promise<void> {
    const since = Date.now()
    const limit = this.#opts.tuning.connectTimeoutMs
    const producer = this.#producer
    try {
      await withTimeout(producer.connect(), limit, () => {
        throw new KafkaConnectionError(
          `Could not connect to Kafka broker ${this.#brokers} within ${limit / 1000}s (connect.timeout.ms). ` +
            'Check bootstrapServers, network access, and that useSsl matches the broker listener.',
        )
      })
      this.#everConnected = true
      // The producer was replaced (a new producer id) while it connected: connect the new one.
      if (producer !== this.#producer) return await this.#connect()
      this.#connected = true
    } catch (err) {
      // kafkajs keeps a connection whose SASL exchange failed half-way and would reuse it (the broker then
      // answers ILLEGAL_SASL_STATE): drop every connection so the next attempt starts clean. Waited for only
      // briefly: against a port that accepts and never answers, kafkajs's disconnect waits out its own request
      // timeout (30 s), which would stretch connect.timeout.ms by as much.
      await withTimeout(
        producer.disconnect().catch(() => {}),
        DISCONNECT_AFTER_FAILURE_MS,
        () => undefined,
      )
      throw this.mapError(err, since)
    }
  }
}
