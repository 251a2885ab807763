import { kafkajsPrototype } from './kafkajs-class.js'

/** What the fix reads of kafkajs 2.2.4's `RequestQueue` (src/network/requestQueue/index.js). */
interface RequestQueueState {
  pending: unknown[]
  throttledUntil: number
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null
  checkPendingRequests(): void
}

/** kafkajs's own re-check interval for queued requests while no throttle is in force. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10
const FIXED: unique symbol = Symbol.for('@gracedb-kafka/request-queue-scheduling') as never

/**
 * kafkajs 2.2.4's `scheduleCheckPendingRequests`, corrected: it re-checks the queue only when a request waits or
 * a broker throttle is in force. kafkajs schedules `throttledUntil - Date.now()` even when nothing is queued and
 * `throttledUntil` is its initial -1: a negative delay, which Node runs after 1 ms (so every idle connection
 * wakes the process a thousand times a second, tulios/kafkajs#1704) and which Node 24 reports with a
 * `TimeoutNegativeWarning` on stderr (tulios/kafkajs#1751; the fixes proposed upstream, #1755 and #1768, are
 * unmerged and kafkajs is unmaintained).
 */
function scheduleCheckPendingRequests(this: RequestQueueState): void {
  if (this.throttleCheckTimeoutId) return
  const untilUnthrottled = this.throttledUntil - Date.now()
  let delay: number
  if (this.pending.length > 0) {
    delay = untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS
  } else if (untilUnthrottled > 0) {
    delay = untilUnthrottled
  } else {
    return // nothing waits: the next push() or response checks the queue again
  }
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null
    this.checkPendingRequests()
  }, delay)
}

/**
 * Correct kafkajs's request-queue scheduling (see above) on the `RequestQueue` class itself, once per process;
 * later calls and other copies do nothing. Pass the class, or a URL or path to resolve `kafkajs` from (a package
 * that depends on kafkajs passes its own `import.meta.url`, so core itself needs no kafkajs dependency). Returns
 * whether the class is (now) corrected; `false` when it cannot be found or does not have kafkajs 2.2.x's shape, in
 * which case nothing is changed.
 *
 * @example
 * ```ts
 * fixRequestQueueScheduling(import.meta.url) // in a module that depends on kafkajs
 * ```
 */
export function fixRequestQueueScheduling(from: string | URL | { prototype: object }): boolean {
  const proto = kafkajsPrototype(from, 'kafkajs/src/network/requestQueue/index.js')
  if (proto === undefined || typeof proto.scheduleCheckPendingRequests !== 'function') return false
  if (typeof proto.checkPendingRequests !== 'function') return false
  if (proto[FIXED] !== true) {
    proto.scheduleCheckPendingRequests = scheduleCheckPendingRequests
    proto[FIXED] = true
  }
  return true
}
