import type { OauthbearerProviderResult } from './kafka-config.js'
import { redactTokens } from './redact.js'

const SOH = '\u0001'

/** What kafkajs passes to a SASL authentication provider (declared structurally: no kafkajs types here). */
export interface SaslAuthenticatorArgs {
  host: string
  port: number
  saslAuthenticate: (args: {
    request: { encode(): Promise<Buffer> }
    response?: { decode(bytes: Buffer): Promise<Buffer>; parse(bytes: Buffer): Promise<void> }
  }) => Promise<unknown>
}

/** A kafkajs `sasl.authenticationProvider`. */
export type SaslAuthenticationProvider = (args: SaslAuthenticatorArgs) => { authenticate(): Promise<void> }

function saslError(message: string): Error {
  // Shaped like kafkajs's KafkaJSSASLAuthenticationError: non-retriable, mapped to KafkaAuthenticationError.
  return Object.assign(new Error(redactTokens(message)), {
    name: 'KafkaJSSASLAuthenticationError',
    retriable: false,
  })
}

/** Kafka length-prefixed bytes (INT32 length, then the bytes), as kafkajs's `Encoder.writeBytes` writes them. */
function lengthPrefixed(bytes: Buffer): Buffer {
  const out = Buffer.alloc(4 + bytes.length)
  out.writeInt32BE(bytes.length, 0)
  bytes.copy(out, 4)
  return out
}

/**
 * A kafkajs SASL/OAUTHBEARER authentication provider that notices when the broker refuses the token.
 *
 * kafkajs's built-in OAUTHBEARER ignores the broker's answer. A broker that refuses a token (expired, wrong
 * issuer, bad signature) answers with an error challenge (`{"status":"invalid_token"}`, RFC 7628 §3.2.2) and
 * then closes the connection, so kafkajs reports only "Closed connection" — indistinguishable from a broker
 * going away. This provider sends the same client message (RFC 7628 / KIP-255) and fails with a
 * non-retriable `KafkaJSSASLAuthenticationError` naming the broker's status, which `toKafkaError` maps to
 * `KafkaAuthenticationError`. The token never appears in the error.
 *
 * @example
 * ```ts
 * sasl: { mechanism: 'oauthbearer', oauthBearerProvider, authenticationProvider: createOauthBearerAuthenticator(oauthBearerProvider) }
 * ```
 */
export function createOauthBearerAuthenticator(
  provider: () => Promise<OauthbearerProviderResult & { extensions?: Record<string, string> }>,
): SaslAuthenticationProvider {
  return ({ host, port, saslAuthenticate }) => ({
    async authenticate(): Promise<void> {
      const token = await provider()
      if (!token || typeof token.value !== 'string' || token.value === '') {
        throw saslError('SASL OAUTHBEARER: the token provider returned no token')
      }
      let ext = ''
      for (const [k, v] of Object.entries(token.extensions ?? {})) ext += `${SOH}${k}=${v}`
      const message = Buffer.from(`n,,${SOH}auth=Bearer ${token.value}${ext}${SOH}${SOH}`, 'utf8')
      await saslAuthenticate({
        request: { encode: async () => lengthPrefixed(message) },
        response: {
          decode: async (bytes) => bytes,
          parse: async (bytes) => {
            const body = bytes && bytes.length > 4 ? bytes.subarray(4) : undefined
            if (!body || body.length === 0) return
            let status = body
              .toString('utf8')
              .replace(/[^\x20-\x7e]/g, '')
              .slice(0, 300)
            try {
              const parsed = JSON.parse(status) as { status?: unknown }
              if (typeof parsed.status === 'string') status = parsed.status
            } catch {
              // not JSON: keep the printable text
            }
            throw saslError(
              `SASL OAUTHBEARER authentication failed: broker ${host}:${port} refused the token (${status})`,
            )
          },
        },
      })
    },
  })
}
