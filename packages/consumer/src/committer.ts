import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises'
import {
  KafkaAuthenticationError,
  KafkaConsumerError,
  type KafkaError,
  KafkaTokenError,
  toKafkaError,
} from '@gracedb-kafka/core'
import type { CommitEntry, OffsetTracker } from './offset-tracker.js'

/** What the committer needs from the kafkajs session (implemented by `GroupSession`). */
export interface CommitChannel {
  /**
   * Send one OffsetCommit request with the group generation current at the call, with no retry; resolves once
   * the broker stored every offset. `undefined` when no kafkajs session can commit right now (it is re-joining
   * or restarting).
   */
  commitOnce(entries: CommitEntry[]): Promise<void> | undefined
}

/** Broker error types that no retry can fix. */
const FINAL_TYPES = new Set([
  'GROUP_AUTHORIZATION_FAILED',
  'TOPIC_AUTHORIZATION_FAILED',
  'OFFSET_METADATA_TOO_LARGE',
  'INVALID_COMMIT_OFFSET_SIZE',
  'INVALID_GROUP_ID',
  'UNSUPPORTED_VERSION',
])

function isFinal(err: unknown, mapped: KafkaError): boolean {
  if (mapped instanceof KafkaAuthenticationError || mapped instanceof KafkaTokenError) return true
  const type = (err as { type?: unknown } | null)?.type
  return typeof type === 'string' && FINAL_TYPES.has(type)
}

/** What one pass of {@link Committer.run} should commit now, or how it ended. */
type Selection = { entries: CommitEntry[] } | { done: boolean } | 'wait'

/**
 * Commits offsets through kafkajs, one OffsetCommit at a time, retrying across coordinator moves, re-joins and
 * restarts of the kafkajs consumer until `timeoutMs` runs out.
 *
 * Two kafkajs 2.2.4 traps are avoided by never calling `consumer.commitOffsets()`: its retrier re-sends a
 * commit that failed during a rebalance with the *new* generation after the re-join (committing a partition
 * this member may no longer own), and it returns without committing when the consumer is not running. Here
 * every attempt re-reads the assignment first (in a fresh macrotask, so kafkajs's generation and ours agree),
 * commits only partitions this member owns, and only a resolved OffsetCommit counts as committed.
 *
 * @example
 * ```ts
 * const committer = new Committer(tracker, 30_000, () => session)
 * const committed = await committer.commitMessage('gracedb-dev.test', 0, 41) // true: offset 42 stored
 * ```
 */
export class Committer {
  private queue: Promise<unknown> = Promise.resolve()
  private timer: NodeJS.Timeout | undefined

  /**
   * @param tracker commit bookkeeping (what was handed out, what is owned, what is committed)
   * @param timeoutMs how long a commit keeps retrying before it rejects
   * @param channel the current kafkajs session, if any
   * @param failure the consumer's fatal error or closed state, which ends every retry at once
   */
  constructor(
    private readonly tracker: OffsetTracker,
    private readonly timeoutMs: number,
    private readonly channel: () => CommitChannel | undefined,
    private readonly failure: () => KafkaError | undefined = () => undefined,
  ) {}

  /**
   * Commit `topic`/`partition` up to and including `offset`. Resolves `true` once the broker stored it (now or
   * earlier), `false` when the partition is no longer this member's (its owner delivers the message again).
   * Rejects with {@link KafkaConsumerError} (cause: the last failure) after `timeoutMs` of failed attempts.
   */
  commitMessage(topic: string, partition: number, offset: number): Promise<boolean> {
    return this.run(() => {
      switch (this.tracker.status(topic, partition, offset)) {
        case 'committed':
          return { done: true }
        case 'revoked':
          return { done: false }
        case 'unknown':
          return 'wait'
        default:
          return { entries: [{ topic, partition, offset: String(offset + 1) }] }
      }
    }, true)
  }

  /**
   * Commit every offset handed out and not yet committed. With `wait: false` (auto-commit, close) a single pass:
   * resolves `false` at once when no session can commit now. Resolves `true` when nothing is left to commit.
   */
  commitPending(wait: boolean): Promise<boolean> {
    return this.run(() => {
      const entries = this.tracker.pending()
      return entries.length === 0 ? { done: true } : { entries }
    }, wait)
  }

  /** Commit what was handed out every `intervalMs` (one pass at a time; failures wait for the next tick). */
  startAutoCommit(intervalMs: number): void {
    this.stopAutoCommit()
    let busy = false
    this.timer = setInterval(() => {
      if (busy) return
      busy = true
      this.commitPending(false)
        .catch(() => {})
        .finally(() => {
          busy = false
        })
    }, intervalMs)
    this.timer.unref()
  }

  /** Stop {@link startAutoCommit}'s timer. */
  stopAutoCommit(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }

  private async run(select: () => Selection, wait: boolean): Promise<boolean> {
    const deadline = Date.now() + this.timeoutMs
    let last: unknown
    let pause = 100
    for (;;) {
      const outcome = await this.attempt(select)
      if (typeof outcome === 'boolean') return outcome
      if (outcome !== 'unavailable') last = outcome.error
      else if (!wait) return false
      const fatal = this.failure()
      if (fatal !== undefined) throw fatal
      const left = deadline - Date.now()
      if (left <= 0) throw this.giveUp(last)
      await sleep(Math.min(pause, left))
      pause = Math.min(pause * 2, 1000)
    }
  }

  /** One attempt, serialised with every other commit so that offsets reach the broker in order. */
  private attempt(select: () => Selection): Promise<boolean | 'unavailable' | { error: unknown }> {
    const next = this.queue.then(async () => {
      // A fresh macrotask: kafkajs swaps its offset manager (new generation) and emits GROUP_JOIN (our
      // assignment) in one run of microtasks, so here the two always agree.
      await nextTurn()
      const selection = select()
      if (selection === 'wait') return 'unavailable' as const
      if ('done' in selection) return selection.done
      const sent = this.channel()?.commitOnce(selection.entries)
      if (sent === undefined) return 'unavailable' as const
      try {
        await sent
      } catch (err) {
        const mapped = toKafkaError(err, { role: 'consumer', action: 'commit offsets' })
        if (isFinal(err, mapped)) throw mapped
        return { error: err }
      }
      this.tracker.markCommitted(selection.entries)
      return true
    })
    this.queue = next.catch(() => {})
    return next
  }

  private giveUp(last: unknown): KafkaConsumerError {
    const seconds = Math.round(this.timeoutMs / 100) / 10
    if (last === undefined) {
      return new KafkaConsumerError(
        `commit offsets failed: the group session was not re-established within ${seconds}s`,
      )
    }
    const cause = toKafkaError(last, { role: 'consumer', action: 'commit offsets' })
    return new KafkaConsumerError(
      `commit offsets failed: no coordinator accepted the commit within ${seconds}s (last error: ${cause.message})`,
      { cause },
    )
  }
}
