import type { DiscoveredToken } from './discover.js'

/**
 * What the OAUTHBEARER callbacks resolve to. kafkajs's `sasl.oauthBearerProvider` only reads `value`; the
 * rest tells you which token is in use without decoding it yourself.
 *
 * @example
 * ```ts
 * const info: OAuthToken = await createOAuthCallback('kafka.ligo.org:9092')()
 * console.log(info.principal, info.scope, new Date(info.expiresAt), info.source)
 * ```
 */
export interface OAuthToken {
  /** The serialized JWT to send to the broker. */
  value: string
  /** When the token expires: its `exp` claim, in epoch milliseconds. */
  expiresAt: number
  /** The token's `sub` claim (the principal the broker sees), or `""` when absent. */
  principal: string
  /** The token's granted scopes, space separated (`scope`, or `scp` joined), or `""`. */
  scope: string
  /** Where it was found: a variable name (`SCITOKEN`, `BEARER_TOKEN`) or a file path. */
  source: string
}

/** Build the callback result from a discovered token. */
export function toOAuthToken(found: DiscoveredToken): OAuthToken {
  const { claims } = found
  const scope =
    typeof claims.scope === 'string'
      ? claims.scope
      : Array.isArray(claims.scp)
        ? claims.scp.join(' ')
        : typeof claims.scp === 'string'
          ? claims.scp
          : ''
  return {
    value: found.token,
    expiresAt: claims.exp * 1000,
    principal: typeof claims.sub === 'string' ? claims.sub : '',
    scope,
    source: found.source,
  }
}
