import { createOAuthCallback, SciTokenRefreshManager } from '@gracedb-kafka/auth'
import type { OauthbearerProviderResult } from '@gracedb-kafka/core'
import type { ConsumerOptions } from './options.js'

/** What the consumer hands to kafkajs's `sasl.oauthBearerProvider`, plus how to release it. */
export interface TokenProvider {
  provide: () => Promise<OauthbearerProviderResult>
  close: () => void
}

/**
 * Build the OAUTHBEARER token provider as ligo-gracedb does: with `reloadCred` a `SciTokenRefreshManager` (cached
 * token, re-read from disk `reloadBuffer` seconds before expiry); without it, the plain OAuth callback, which
 * discovers a token at every (re-)authentication. Nothing is read until kafkajs (or the consumer's start) calls
 * `provide`, so building one never throws a token error.
 *
 * @example
 * ```ts
 * const tokens = createTokenProvider(parseConsumerOptions(opts))
 * await tokens.provide() // { value: '<jwt>' , ... }
 * ```
 */
export function createTokenProvider(options: ConsumerOptions): TokenProvider {
  const brokerUrl = options.bootstrapServers.join(',')
  const request = {
    scope: options.tokenScope,
    ...(options.tokenAudience === undefined ? {} : { audience: options.tokenAudience }),
  }
  if (options.reloadCred) {
    const manager = new SciTokenRefreshManager(brokerUrl, { ...request, refreshBuffer: options.reloadBuffer })
    return { provide: manager.createCallback(), close: () => manager.close() }
  }
  return { provide: createOAuthCallback(brokerUrl, request), close: () => {} }
}
