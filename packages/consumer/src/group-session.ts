import type { KafkaTokenProvider } from '@gracedb-kafka/auth'
import {
  buildKafkaConfig,
  formatBrokerList,
  KafkaAuthenticationError,
  KafkaConnectionError,
  KafkaConsumerError,
  type KafkaError,
  toKafkaError,
} from '@gracedb-kafka/core'
import { type Consumer, type EachBatchPayload, Kafka, type KafkaConfig } from 'kafkajs'
import type { BackPressure } from './back-pressure.js'
import type { CommitChannel } from './committer.js'
import { withDeadline } from './deadline.js'
import type { CommitEntry, OffsetTracker } from './offset-tracker.js'
import type { ConsumerOptions, KafkaConsumerSettings } from './options.js'
import { leaveStaleMember } from './stale-member.js'

const DEFAULT_CLIENT_ID = 'gracedb-kafka-consumer'

/**
 * Group timing defaults. A member that vanishes without leaving (its coordinator was killed, so its LeaveGroup
 * went nowhere) holds up the next join until its session times out; kafkajs's 30 s made a coordinator failover
 * stall consumption for about 38 s. 10 s (the Kafka consumer's classic default) bounds that part of the stall;
 * kafkajs heartbeats from its fetch loop, which runs while the caller is busy (see BackPressure).
 */
export const SESSION_DEFAULTS = { sessionTimeout: 10_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 500 }

/**
 * Fetch size default. kafkajs asks for at most 1 MiB per partition, so a fetch of one partition brings about one
 * 1 MiB batch, and kafkajs sends the next fetch only once it has decoded that one: a busy one-partition stream
 * spends a round trip to the broker per thousand 1 KiB messages. librdkafka fetches on its own thread and keeps
 * going while the caller works; here a fetch may bring 4 MiB per partition, so there are fewer round trips. The
 * whole fetch stays capped by kafkajs's `maxBytes` (10 MiB), and 4 MiB rather than the whole 10 leaves room for
 * the other partitions of the same fetch (the broker fills partitions in the order asked). At a low rate nothing
 * changes: a fetch returns as soon as there is data.
 */
export const FETCH_DEFAULTS: { readonly maxBytesPerPartition: number } = { maxBytesPerPartition: 4_194_304 }

/**
 * kafkajs consumer settings with our defaults; a heartbeat stays below a third of a user's session timeout.
 *
 * @example
 * ```ts
 * consumerSettings({ sessionTimeout: 6000 }).heartbeatInterval // 2000
 * ```
 */
export function consumerSettings(settings: KafkaConsumerSettings): KafkaConsumerSettings {
  const sessionTimeout = settings.sessionTimeout ?? SESSION_DEFAULTS.sessionTimeout
  const heartbeatInterval =
    settings.heartbeatInterval ??
    Math.max(100, Math.min(SESSION_DEFAULTS.heartbeatInterval, Math.floor(sessionTimeout / 3)))
  return {
    maxWaitTimeInMs: SESSION_DEFAULTS.maxWaitTimeInMs,
    maxBytesPerPartition: FETCH_DEFAULTS.maxBytesPerPartition,
    ...settings,
    sessionTimeout,
    heartbeatInterval,
  }
}

/** What a session reports to the consumer that owns it. */
export interface SessionHooks {
  /** The group is about to re-join (before kafkajs's JoinGroup): a moment to commit what the caller has. */
  onRebalancing(): void
  /** A fatal error ended the session (kafkajs gave up, or authentication failed). */
  onFatal(error: KafkaError): void
}

type CommitFn = EachBatchPayload['commitOffsetsIfNecessary']

/**
 * One kafkajs consumer in its group: connect, subscribe, join, and everything kafkajs reports while it runs
 * (joins and their assignments, rebalances, crashes and restarts). It feeds fetched batches into the
 * {@link BackPressure} buffer, keeps the {@link OffsetTracker}'s view of the assignment current, and gives the
 * committer single OffsetCommit attempts with the generation current at the call.
 *
 * @example
 * ```ts
 * const session = await GroupSession.start(options, tokens, 'my-group', ['gracedb-dev.test'], bp, tracker, hooks)
 * await session.end()
 * ```
 */
export class GroupSession implements CommitChannel {
  /** Bumped when kafkajs crashes and restarts its consumer: a commit function of an older run is dead. */
  private run = 0
  private commitFn: { fn: CommitFn; run: number } | undefined
  private ended = false
  /** This member's id in the group (from the last join) and how many joins there were. */
  private memberId: string | undefined
  private joins = 0

  private constructor(
    readonly consumer: Consumer,
    private readonly bp: BackPressure,
    private readonly tracker: OffsetTracker,
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly sessionTimeout: number,
  ) {}

  /**
   * Connect, subscribe to `topics` and wait until the group is joined and the first fetch went out (so with
   * `'latest'` every later message is seen). Connecting (token, TCP, TLS, SASL, metadata) is bounded by
   * `connect.timeout.ms`, joining by the rebalance timeout + 15 s; `signal` (close) ends the wait at once.
   * Rejects with a mapped {@link KafkaError}; nothing is left running.
   */
  static async start(
    options: ConsumerOptions,
    tokens: KafkaTokenProvider,
    groupId: string,
    topics: string[],
    parts: { bp: BackPressure; tracker: OffsetTracker; hooks: SessionHooks; signal: AbortSignal },
  ): Promise<GroupSession> {
    const { bp, tracker, hooks, signal } = parts
    const servers = formatBrokerList(options.bootstrapServers)
    const connectMs = options.connectTimeoutMs
    const slow = () =>
      new KafkaConnectionError(
        `connect to ${servers} failed: no answer within ${connectMs / 1000}s (connect.timeout.ms)`,
        { code: 'ERR_KAFKA_CONNECTION_TIMEOUT' },
      )
    const deadline = Date.now() + connectMs
    const left = () => Math.max(0, deadline - Date.now())
    // Discover the token first, so a missing or invalid token surfaces as itself (KafkaTokenError).
    await withDeadline(tokens.provide(), left(), signal, slow)
    const config = buildKafkaConfig(options, {
      clientId: options.clientId ?? DEFAULT_CLIENT_ID,
      oauthBearerProvider: tokens.provide,
      // core sets the re-authentication threshold and token-redacting, silent-by-default logs
      kafkaConfig: options.client,
    })
    const settings = consumerSettings(options.consumer)
    let kc: Consumer
    const kafka = new Kafka(config as unknown as KafkaConfig)
    try {
      kc = kafka.consumer({ ...(settings as object), groupId })
    } catch (err) {
      throw toKafkaError(err, { role: 'consumer', action: 'create the kafkajs consumer' })
    }
    const session = new GroupSession(kc, bp, tracker, kafka, groupId, settings.sessionTimeout as number)
    const fail = (err: unknown, action: string): never => {
      session.ended = true
      // Not awaited: against a silent broker kafkajs may still be waiting for an answer (its own connection and
      // request timeouts end that); the caller's bound must not wait for it.
      kc.disconnect().catch(() => {})
      throw toKafkaError(err, { role: 'consumer', action })
    }
    try {
      await withDeadline(kc.connect(), left(), signal, slow)
    } catch (err) {
      return fail(err, `connect to ${servers}`)
    }
    try {
      const subscribe = kc.subscribe({ topics, fromBeginning: options.autoOffsetReset === 'earliest' })
      await withDeadline(subscribe, left(), signal, slow)
    } catch (err) {
      return fail(err, `subscribe to ${topics.join(', ')}`)
    }
    const joinMs = (settings.rebalanceTimeout ?? 60_000) + 15_000
    try {
      await session.runUntilReady(hooks, servers, topics, joinMs, signal)
    } catch (err) {
      return fail(err, `subscribe to ${topics.join(', ')}`)
    }
    return session
  }

  /** Whether kafkajs's fetching is paused, per partition (the buffer is full). */
  paused(): { topic: string; partition: number }[] {
    if (this.ended) return []
    return this.consumer
      .paused()
      .flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })))
  }

  /** One OffsetCommit with the current generation, or `undefined` while no kafkajs run can commit. */
  commitOnce(entries: CommitEntry[]): Promise<void> | undefined {
    const current = this.commitFn
    if (this.ended || current === undefined || current.run !== this.run || entries.length === 0)
      return undefined
    const byTopic = new Map<string, { partition: number; offset: string }[]>()
    for (const e of entries) {
      const list = byTopic.get(e.topic) ?? []
      list.push({ partition: e.partition, offset: e.offset })
      byTopic.set(e.topic, list)
    }
    // eachBatch's commitOffsetsIfNecessary(offsets) is kafkajs's consumerGroup.commitOffsets: one request with
    // the offset manager (generation) current now, no retrier and no "not running" short cut.
    return current.fn({ topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) })
  }

  /** Leave the group and disconnect; idempotent. Entries fetched so far become stale. */
  async end(): Promise<void> {
    if (this.ended) return
    this.ended = true
    this.bp.invalidate()
    await this.consumer.disconnect().catch(() => {})
  }

  /**
   * kafkajs restarts as a new member: remove the old one (it could not leave if its coordinator died), so that
   * the join does not wait for its session to time out. Stops once the new member has joined.
   */
  private removeStaleMember(): void {
    const stale = this.memberId
    if (stale === undefined) return
    this.memberId = undefined
    const joins = this.joins
    const until = Date.now() + this.sessionTimeout + 5_000
    leaveStaleMember(this.kafka, this.groupId, stale, until, () => this.ended || this.joins !== joins).catch(
      () => {},
    )
  }

  private async runUntilReady(
    hooks: SessionHooks,
    servers: string,
    topics: string[],
    joinMs: number,
    signal: AbortSignal,
  ) {
    const kc = this.consumer
    let joined = false
    let ready = false
    let settle: { resolve: () => void; reject: (err: KafkaError) => void } | undefined
    const readyPromise = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject }
    })
    readyPromise.catch(() => {})

    kc.on(kc.events.GROUP_JOIN, (event) => {
      if (this.ended) return
      this.bp.invalidate()
      this.tracker.assign(event.payload.memberAssignment)
      this.memberId = event.payload.memberId
      this.joins++
      joined = true
    })
    kc.on(kc.events.FETCH, () => {
      if (joined && !ready) {
        ready = true
        settle?.resolve()
      }
    })
    kc.on(kc.events.REBALANCING, () => {
      if (this.ended) return
      this.bp.invalidate()
      hooks.onRebalancing()
    })
    kc.on(kc.events.CRASH, (event) => {
      if (this.ended) return
      // kafkajs has stopped this run; when it restarts, a new member joins and fetches from committed offsets.
      this.run++
      this.bp.invalidate()
      this.tracker.suspend()
      const error = toKafkaError(event.payload.error, { role: 'consumer', action: `consume from ${servers}` })
      const fatal = !event.payload.restart || error instanceof KafkaAuthenticationError
      if (!fatal) this.removeStaleMember()
      if (!ready) {
        // kafkajs restarts on retriable errors (e.g. a coordinator still loading): keep waiting, bounded below
        if (fatal) settle?.reject(error)
        return
      }
      if (fatal) {
        this.ended = true
        hooks.onFatal(error)
        kc.stop().catch(() => {})
      }
    })

    await kc.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => {
        if (!this.ended) this.commitFn = { fn: payload.commitOffsetsIfNecessary, run: this.run }
        return this.bp.handleBatch(payload, () => !this.ended)
      },
    })
    const joinTimeout = () =>
      new KafkaConsumerError(`subscribe to ${topics.join(', ')} failed: timed out joining the group`, {
        code: 'ERR_KAFKA_CONSUMER_JOIN_TIMEOUT',
      })
    await withDeadline(readyPromise, joinMs, signal, joinTimeout)
  }
}
