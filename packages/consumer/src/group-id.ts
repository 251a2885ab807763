import { createHash } from 'node:crypto'
import { hostname } from 'node:os'
import { performance } from 'node:perf_hooks'

let counter = 0

/**
 * Generate a unique, ephemeral consumer group id, as ligo-gracedb does: the first 8 hex digits of the SHA-256 of
 * `"<hostname>-<pid>-<time in seconds>"`, prefixed with `gracedb-client-`. Every consumer built without a
 * `groupId` gets its own group, so with `autoOffsetReset: 'latest'` it sees only messages produced after it joins.
 * The time has sub-millisecond resolution and a per-process counter is appended, so two consumers created in the
 * same millisecond of one process still get different groups.
 *
 * @example
 * ```ts
 * generateGroupId() // 'gracedb-client-3f9a1c2e'
 * ```
 */
export function generateGroupId(now: number = performance.timeOrigin + performance.now()): string {
  counter++
  const raw = `${hostname()}-${process.pid}-${now / 1000}-${counter}`
  return `gracedb-client-${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`
}
