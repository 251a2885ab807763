import type { KafkaTokenProvider } from '@gracedb-kafka/auth'
import { KafkaConsumerError, type KafkaError } from '@gracedb-kafka/core'
import { BackPressure, type BufferedEntry } from './back-pressure.js'
import { Committer } from './committer.js'
import { closedError } from './deadline.js'
import { GroupSession } from './group-session.js'
import { OffsetTracker } from './offset-tracker.js'
import type { ConsumerOptions } from './options.js'
import type { StreamHost } from './stream-loop.js'

/**
 * The consumer's parts wired together: the group session's life cycle (start on first use, restart on a new
 * subscription, fatal errors, teardown), the back-pressure buffer, commit bookkeeping and the committer.
 * `GraceDbKafkaConsumer` is its public face.
 *
 * @example
 * ```ts
 * const engine = new ConsumerEngine(options, 'my-group', tokens)
 * await engine.ensureStarted(['gracedb-dev.test'])
 * const entry = await engine.take(1000)
 * ```
 */
export class ConsumerEngine {
  readonly bp: BackPressure
  readonly tracker: OffsetTracker = new OffsetTracker()
  readonly committer: Committer
  private readonly stoppers = new Set<() => void>()
  private session: GroupSession | undefined
  private starting: Promise<GroupSession> | undefined
  private fatal: KafkaError | undefined
  private closing: Promise<void> | undefined
  private readonly closed = new AbortController()

  constructor(
    private readonly options: ConsumerOptions,
    private readonly groupId: string,
    private readonly tokens: KafkaTokenProvider,
  ) {
    this.bp = new BackPressure(options.maxBufferedMessages, options.maxBufferedBytes)
    this.committer = new Committer(
      this.tracker,
      options.commitTimeoutMs,
      () => this.session,
      () =>
        this.fatal ?? (this.closing !== undefined && this.session === undefined ? closedError() : undefined),
    )
  }

  /** Partitions whose fetching is paused because the buffer is full. */
  paused(): { topic: string; partition: number }[] {
    return this.session?.paused() ?? []
  }

  /** Whether a session is running or starting (else there is nothing to commit). */
  get active(): boolean {
    return this.session !== undefined || this.starting !== undefined
  }

  /** Throws when closed. */
  assertOpen(): void {
    if (this.closing !== undefined) throw closedError()
  }

  /** Throws the fatal error that ended the session, if any (a bound arrow: passed to the buffer). */
  readonly check = (): void => {
    if (this.fatal !== undefined) throw this.fatal
  }

  /** Start the group session for `topics` unless one runs or is starting. */
  ensureStarted(topics: string[] | undefined): Promise<GroupSession> {
    this.assertOpen()
    if (this.fatal !== undefined) return Promise.reject(this.fatal)
    if (this.starting !== undefined) return this.starting
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

  /** End the current session (if any) so that the next use starts one with a new subscription. */
  async restart(): Promise<void> {
    if (this.starting === undefined) return
    await this.starting.catch(() => {})
    this.starting = undefined
    await this.teardown()
  }

  /** A current entry within `timeoutMs`, marked handed out (`poll()`), or `null`. */
  async take(timeoutMs: number): Promise<BufferedEntry | null> {
    const entry = await this.bp.take(timeoutMs, undefined, this.check)
    if (entry !== null) this.markHandedOut(entry)
    return entry
  }

  /** What `stream()`'s loop needs. */
  host(topics: () => string[] | undefined): StreamHost {
    return {
      ensureStarted: () => this.ensureStarted(topics()),
      check: this.check,
      next: async (waitMs, signal) => this.bp.takeNow() ?? (await this.bp.take(waitMs, signal, this.check)),
      tryNext: () => this.bp.takeNow(),
      handedOut: (entry) => this.markHandedOut(entry),
      onStop: (end) => {
        this.stoppers.add(end)
        return () => this.stoppers.delete(end)
      },
      finish: async () => {
        // Retried across coordinator moves, but not held for a session being re-established: what is not
        // committed then is delivered again (the new session starts from the committed offsets).
        if (this.options.autoCommit && this.session !== undefined && this.closing === undefined) {
          await this.committer.commitPending(false).catch(() => {})
        }
      },
    }
  }

  /** End every running stream loop. */
  stop(): void {
    for (const end of [...this.stoppers]) end()
  }

  /** Stop, commit (with auto-commit), leave the group, release the token source; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed.abort() // a session still connecting or joining gives up at once
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

  private async start(topics: string[]): Promise<GroupSession> {
    const session = await GroupSession.start(this.options, this.tokens, this.groupId, topics, {
      bp: this.bp,
      tracker: this.tracker,
      signal: this.closed.signal,
      hooks: {
        // Commit what the caller already has before re-joining, so the next owner starts after it.
        onRebalancing: () => {
          if (this.options.autoCommit) this.committer.commitPending(false).catch(() => {})
        },
        onFatal: (error) => {
          this.fatal = error
          this.bp.wake()
        },
      },
    })
    this.session = session
    if (this.options.autoCommit) this.committer.startAutoCommit(this.options.autoCommitIntervalMs)
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
    this.committer.stopAutoCommit()
    const session = this.session
    if (session === undefined) return
    let failure: unknown
    if (this.options.autoCommit && this.fatal === undefined) {
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
