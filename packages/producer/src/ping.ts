/** The connectivity-test message `ping()` sends (ligo-gracedb's ping schema: `type`, `timestamp`, `client` required). */
export interface PingMessage {
  [field: string]: unknown
  type: 'ping'
  /** Seconds since the epoch, a float, as Python's `time.time()`. */
  timestamp: number
  /** The producing client library. */
  client: string
  /** The `sub` claim of the SciToken used to authenticate, or `null`. */
  sub: string | null
  /** The `scope` claim of that SciToken, or `null`. */
  scope: string | null
}

/** The `client` field of ping messages sent by this library. */
export const PING_CLIENT: string = 'gracedb-kafka'

/**
 * Build the payload of `ping()`: the same fields, in the same order, as ligo-gracedb's ping. An empty claim
 * is sent as `null`, as Python sends a missing claim.
 *
 * @example
 * ```ts
 * buildPingMessage({ principal: 'albert.einstein', scope: 'kafka.produce' }, 1700000000123)
 * // { type: 'ping', timestamp: 1700000000.123, client: 'gracedb-kafka', sub: 'albert.einstein', scope: 'kafka.produce' }
 * ```
 */
export function buildPingMessage(
  token: { principal: string; scope: string },
  nowMs: number = Date.now(),
): PingMessage {
  return {
    type: 'ping',
    timestamp: nowMs / 1000,
    client: PING_CLIENT,
    sub: token.principal === '' ? null : token.principal,
    scope: token.scope === '' ? null : token.scope,
  }
}
