import { createOAuthCallback, type OAuthToken, SciTokenRefreshManager } from '@gracedb-kafka/auth'

/** Where the producer's SciToken comes from. */
export interface TokenSource {
  /** The current token, for kafkajs `sasl.oauthBearerProvider` (called at every (re-)authentication). */
  provide(): Promise<OAuthToken>
  /** Release timers and caches. */
  close(): void
}

/** What the token source needs from the producer options. */
export interface TokenSourceOptions {
  brokerUrl: string
  scope: string
  audience?: string | undefined
  reloadCred: boolean
  reloadBuffer: number
}

/**
 * Create the producer's token source. With `reloadCred`, a {@link SciTokenRefreshManager} re-reads the token
 * from disk when it is within `reloadBuffer` seconds of expiry, so a token rotated on disk is used at the next
 * (re-)authentication. Without it, the token is discovered once, at the first authentication, and reused.
 * Nothing is read before the first call: a constructor never fails because of a missing token.
 *
 * @example
 * ```ts
 * const source = createTokenSource({ brokerUrl: 'kafka.ligo.org:9092', scope: 'kafka.produce', reloadCred: true, reloadBuffer: 300 })
 * const { principal, scope } = await source.provide()
 * ```
 */
export function createTokenSource(opts: TokenSourceOptions): TokenSource {
  const request = {
    scope: opts.scope,
    ...(opts.audience === undefined ? {} : { audience: opts.audience }),
  }
  if (opts.reloadCred) {
    let manager: SciTokenRefreshManager | undefined
    let callback: (() => Promise<OAuthToken>) | undefined
    return {
      provide: () => {
        manager ??= new SciTokenRefreshManager(opts.brokerUrl, {
          ...request,
          refreshBuffer: opts.reloadBuffer,
        })
        callback ??= manager.createCallback()
        return callback()
      },
      close: () => manager?.close(),
    }
  }
  let once: Promise<OAuthToken> | undefined
  return {
    provide: () => {
      if (!once) {
        once = createOAuthCallback(opts.brokerUrl, request)()
        // A failed discovery is not cached: the next authentication looks again.
        once.catch(() => {
          once = undefined
        })
      }
      return once
    },
    close: () => {
      once = undefined
    },
  }
}
