import { createHash } from 'node:crypto'
import { hostname } from 'node:os'

/**
 * Generate a unique, ephemeral consumer group id, as ligo-gracedb does: the first 8 hex digits of the SHA-256 of
 * `"<hostname>-<pid>-<time in seconds>"`, prefixed with `gracedb-client-`. Every consumer built without a
 * `groupId` gets its own group, so with `autoOffsetReset: 'latest'` it sees only messages produced after it joins.
 *
 * @example
 * ```ts
 * generateGroupId() // 'gracedb-client-3f9a1c2e'
 * ```
 */
export function generateGroupId(now: number = Date.now()): string {
  const raw = `${hostname()}-${process.pid}-${now / 1000}`
  return `gracedb-client-${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`
}
