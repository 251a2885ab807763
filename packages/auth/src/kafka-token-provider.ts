import type { BootstrapServersInput } from '@gracedb-kafka/core'
import { createOAuthCallback } from './get-scitoken.js'
import type { OAuthToken } from './oauth-token.js'
import { SciTokenRefreshManager } from './refresh-manager.js'

/** Options of {@link createKafkaTokenProvider}: the producer's and consumer's token settings. */
export interface KafkaTokenProviderOptions {
  /** Required scope, e.g. `"kafka.produce"`. */
  scope: string
  /** Required audience; defaults to the broker's hostname. */
  audience?: string | undefined
  /** Proactively reload the token before expiry (ligo-gracedb's `reload_cred`). */
  reloadCred: boolean
  /** Seconds before `exp` at which the token is re-read (`reload_buffer`). */
  reloadBuffer: number
  /** Environment for discovery (default `process.env`). */
  env?: NodeJS.ProcessEnv | undefined
}

/** A token source for kafkajs's `sasl.oauthBearerProvider`. */
export interface KafkaTokenProvider {
  /** The token for the next (re-)authentication. A plain function: pass it to kafkajs as it is. */
  readonly provide: () => Promise<OAuthToken>
  /** Release the refresh manager. Idempotent. */
  close(): void
}

/**
 * The token source the producer and the consumer give kafkajs, as ligo-gracedb builds its `oauth_cb`:
 * - `reloadCred: true`: a {@link SciTokenRefreshManager}; the token is cached and re-read from disk
 *   `reloadBuffer` seconds before it expires, so a token htgettoken rewrites is used at the next
 *   (re-)authentication.
 * - `reloadCred: false`: {@link createOAuthCallback}; no proactive reload, and each (re-)authentication
 *   discovers the token afresh (the reference's `create_oauth_callback`).
 *
 * Nothing is read until the first `provide()`, so creating one never throws a token error; a malformed option
 * throws `InvalidOptionError` at once. After `close()`, `provide()` of a `reloadCred: true` provider rejects with
 * `ClientClosedError` (code `ERR_CLIENT_CLOSED`, client `'token-manager'`).
 *
 * @example
 * ```ts
 * const tokens = createKafkaTokenProvider('kafka.ligo.org:9092', { scope: 'kafka.produce', reloadCred: true, reloadBuffer: 300 })
 * const kafka = new Kafka({ brokers, ssl: true, sasl: { mechanism: 'oauthbearer', oauthBearerProvider: tokens.provide } })
 * ```
 */
export function createKafkaTokenProvider(
  brokerUrl: BootstrapServersInput,
  opts: KafkaTokenProviderOptions,
): KafkaTokenProvider {
  const request = {
    scope: opts.scope,
    ...(opts.audience === undefined ? {} : { audience: opts.audience }),
    ...(opts.env === undefined ? {} : { env: opts.env }),
  }
  if (!opts.reloadCred) {
    return { provide: createOAuthCallback(brokerUrl, request), close: () => {} }
  }
  const manager = new SciTokenRefreshManager(brokerUrl, { ...request, refreshBuffer: opts.reloadBuffer })
  return { provide: manager.createCallback(), close: () => manager.close() }
}
