/** An offset to commit: the offset of the next message to read (last handed-out offset + 1), as kafkajs wants. */
export interface CommitEntry {
  topic: string
  partition: number
  offset: string
}

const tp = (topic: string, partition: number): string => `${partition}:${topic}`

/** A partition's handed-out position: the offset after the last message handed out. */
interface Handed {
  topic: string
  partition: number
  next: number
}

/**
 * Commit bookkeeping. It remembers, per partition, the offset after the last message handed to the caller
 * (`markHandedOut`) and the last offset committed, so a commit never covers a message that was only fetched, and
 * never moves a partition's committed offset backwards.
 *
 * @example
 * ```ts
 * const t = new OffsetTracker()
 * t.assign({ 'gracedb-dev.test': [0] })
 * t.markHandedOut('gracedb-dev.test', 0, 41)
 * t.pending() // [{ topic: 'gracedb-dev.test', partition: 0, offset: '42' }]
 * ```
 */
export class OffsetTracker {
  private readonly handed = new Map<string, Handed>()
  private readonly committed = new Map<string, number>()
  private assigned: Set<string> | undefined
  private suspended = false
  /** The partition of the last {@link markHandedOut} (a busy stream marks the same one message after message). */
  private last: Handed | undefined

  /**
   * The kafkajs session ended without a clean hand-over (a crash it restarts from): which partitions this member
   * owns is unknown until the next {@link assign}, so nothing is committable meanwhile.
   */
  suspend(): void {
    this.suspended = true
    this.last = undefined
  }

  /** Record the current assignment; bookkeeping for partitions no longer assigned is dropped. */
  assign(assignment: Record<string, number[]>): void {
    this.suspended = false
    this.last = undefined
    const next = new Set<string>()
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const p of partitions) next.add(tp(topic, p))
    }
    for (const key of [...this.handed.keys()]) if (!next.has(key)) this.handed.delete(key)
    for (const key of [...this.committed.keys()]) if (!next.has(key)) this.committed.delete(key)
    this.assigned = next
  }

  /** Whether `topic`/`partition` is in the current assignment (true before any assignment is known). */
  isAssigned(topic: string, partition: number): boolean {
    if (this.suspended) return false
    return this.assigned === undefined || this.assigned.has(tp(topic, partition))
  }

  /**
   * Where the message at `offset` of `topic`/`partition` stands: `'committed'` (covered by a commit),
   * `'owned'` (committable by this member), `'unknown'` (the session is being re-established) or `'revoked'`
   * (another member may own the partition: never commit it).
   */
  status(topic: string, partition: number, offset: number): 'committed' | 'owned' | 'unknown' | 'revoked' {
    if (offset + 1 <= (this.committed.get(tp(topic, partition)) ?? -1)) return 'committed'
    if (this.suspended) return 'unknown'
    return this.isAssigned(topic, partition) ? 'owned' : 'revoked'
  }

  /**
   * The message at `offset` of `topic`/`partition` reached the caller: it may now be committed. Ignored when the
   * partition is no longer assigned (revoked by a rebalance while the caller held the message): its new owner
   * reads it again, and committing it here would write an offset for a partition another member owns.
   */
  markHandedOut(topic: string, partition: number, offset: number): void {
    const next = offset + 1
    // the cache is dropped whenever the assignment changes, so a cached partition is still assigned
    let cur = this.last
    if (cur === undefined || cur.partition !== partition || cur.topic !== topic) {
      if (!this.isAssigned(topic, partition)) return
      const key = tp(topic, partition)
      cur = this.handed.get(key)
      if (cur === undefined) {
        cur = { topic, partition, next }
        this.handed.set(key, cur)
      }
      this.last = cur
    }
    if (next > cur.next) cur.next = next
  }

  /** Offsets handed out but not yet committed, one entry per partition. */
  pending(): CommitEntry[] {
    const out: CommitEntry[] = []
    if (this.suspended) return out
    for (const [key, h] of this.handed) {
      if (h.next > (this.committed.get(key) ?? -1)) {
        out.push({ topic: h.topic, partition: h.partition, offset: String(h.next) })
      }
    }
    return out
  }

  /**
   * The entry that commits everything up to and including `offset` of `topic`/`partition`, or `undefined` when
   * that is already committed or the partition is no longer assigned.
   */
  entryFor(topic: string, partition: number, offset: number): CommitEntry | undefined {
    const key = tp(topic, partition)
    if (!this.isAssigned(topic, partition)) return undefined
    const next = offset + 1
    if (next <= (this.committed.get(key) ?? -1)) return undefined
    return { topic, partition, offset: String(next) }
  }

  /** Record that `entries` were committed by the broker. */
  markCommitted(entries: CommitEntry[]): void {
    for (const e of entries) {
      const key = tp(e.topic, e.partition)
      const next = Number(e.offset)
      if (next > (this.committed.get(key) ?? -1)) this.committed.set(key, next)
    }
  }
}
