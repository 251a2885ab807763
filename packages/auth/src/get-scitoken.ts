import type { BootstrapServersInput } from '@gracedb-kafka/core'
import { discoverToken } from './discover.js'
import type { OAuthToken } from './oauth-token.js'
import { toOAuthToken } from './oauth-token.js'
import { resolveRequest, type TokenRequest } from './options.js'

/**
 * Find a SciToken for a Kafka broker and return the serialized JWT (ligo-gracedb's `get_scitoken_for_kafka`).
 *
 * Discovery order (the first acceptable token wins): `$SCITOKEN`, `$SCITOKEN_FILE`, `$_CONDOR_CREDS/*.use`, then
 * WLCG bearer token discovery — `$BEARER_TOKEN`, `$BEARER_TOKEN_FILE`, `$XDG_RUNTIME_DIR/bt_u<euid>` (or
 * `/tmp/bt_u<euid>`). A token is accepted when its `aud` contains the audience (default: the broker hostname) or
 * `ANY`, it grants every requested scope (default `kafka.produce`), and it has `minLifetime` seconds left. If
 * none does, the WLCG token is used when it has not expired (the reference's direct-read fallback; disable with
 * `fallback: false`). The signature is not verified here; the broker verifies it.
 *
 * @throws KafkaTokenError with a specific `code` (see `TOKEN_ERROR_CODES`); the message lists every source
 *   tried and why it was refused, and never contains the token.
 * @throws InvalidOptionError for a malformed request (bad `scope`, `minLifetime`, …).
 *
 * @example
 * ```ts
 * import { getScitokenForKafka } from '@gracedb-kafka/auth'
 *
 * const token = await getScitokenForKafka('kafka.ligo.org:9092', { scope: 'kafka.produce' })
 * ```
 */
export async function getScitokenForKafka(
  brokerUrl: BootstrapServersInput,
  req: TokenRequest = {},
): Promise<string> {
  const { resolve } = resolveRequest(brokerUrl, req, 'getScitokenForKafka')
  return (await discoverToken(resolve())).token
}

/**
 * Create an OAUTHBEARER token provider for kafkajs (`sasl.oauthBearerProvider`), ligo-gracedb's
 * `create_oauth_callback`. Options are validated now; each call discovers the token afresh (so kafkajs's
 * re-authentication picks up a rewritten token file) and resolves `{ value, expiresAt, principal, scope,
 * source }`. For caching, use {@link SciTokenRefreshManager.createCallback}.
 *
 * @throws InvalidOptionError synchronously for a malformed request; the returned function rejects with
 *   KafkaTokenError as {@link getScitokenForKafka} does.
 *
 * @example
 * ```ts
 * import { Kafka } from 'kafkajs'
 * import { createOAuthCallback } from '@gracedb-kafka/auth'
 *
 * const kafka = new Kafka({
 *   brokers: ['kafka.ligo.org:9092'],
 *   ssl: true,
 *   sasl: { mechanism: 'oauthbearer', oauthBearerProvider: createOAuthCallback('kafka.ligo.org:9092') },
 * })
 * ```
 */
export function createOAuthCallback(
  brokerUrl: BootstrapServersInput,
  req: TokenRequest = {},
): () => Promise<OAuthToken> {
  const { resolve } = resolveRequest(brokerUrl, req, 'createOAuthCallback')
  return async () => toOAuthToken(await discoverToken(resolve()))
}
