/** How the client retries transient failures. Durations in seconds, like the Python reference. */
export interface RetryPolicy {
  /** Maximum number of retries after the first attempt (reference default 5). */
  retries: number
  /** Exponential backoff factor: the n-th retry waits `backoffFactor * 2 ** (n - 1)` s, with jitter. */
  backoffFactor: number
  /** HTTP statuses that are retried (default 502, 503, 504). */
  retryCodes: readonly number[]
  /** Total time budget for one call including retries (default 30 s); no retry starts after it. */
  retryTimeout: number
  /** Upper bound for one wait, including a server's `Retry-After` (default 30 s, as the reference caps it). */
  maxRetryAfter: number
}

/** The defaults: 5 retries, factor 0.1, statuses 502/503/504, 30 s budget, `Retry-After` capped at 30 s. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  retries: 5,
  backoffFactor: 0.1,
  retryCodes: Object.freeze([502, 503, 504]),
  retryTimeout: 30,
  maxRetryAfter: 30,
})

const RESET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
])

/**
 * Whether a `fetch` rejection is a transient connection failure (reset, refused, socket closed) worth retrying.
 *
 * @example
 * ```ts
 * isConnectionReset(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })) // true
 * ```
 */
export function isConnectionReset(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && RESET_CODES.has(code)) return true
    if (e instanceof Error && /socket hang up|other side closed/i.test(e.message)) return true
  }
  return false
}

/**
 * Seconds to wait before retry number `attempt` (1-based): the server's `Retry-After` when present, else
 * exponential backoff with ±25 % jitter; capped by `maxRetryAfter`.
 *
 * @example
 * ```ts
 * backoffDelay(DEFAULT_RETRY_POLICY, 3, null) // ≈ 0.4
 * backoffDelay(DEFAULT_RETRY_POLICY, 1, '2')  // 2
 * ```
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfter: string | null): number {
  if (retryAfter !== null) {
    const seconds = Number(retryAfter)
    const parsed = Number.isFinite(seconds) ? seconds : (Date.parse(retryAfter) - Date.now()) / 1000
    if (Number.isFinite(parsed)) return Math.min(Math.max(parsed, 0), policy.maxRetryAfter)
  }
  const base = policy.backoffFactor * 2 ** (attempt - 1)
  const jitter = 1 + (Math.random() - 0.5) / 2
  return Math.min(base * jitter, policy.maxRetryAfter)
}
