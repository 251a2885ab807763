import { KafkaTokenError, registerSecret } from '@gracedb-kafka/core'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { z } from 'zod'
import { TOKEN_ERROR_CODES, TOKEN_SECRET, type TokenErrorCode } from './codes.js'
import { safeText } from './safe-text.js'

/**
 * The claims of a SciToken, as decoded (not verified) from its payload. `exp` is always present: a token
 * without it is refused with `ERR_KAFKA_TOKEN_NO_EXP`. Other claims keep their JSON values.
 *
 * @example
 * ```ts
 * const claims: TokenClaims = decodeToken(token, 'BEARER_TOKEN')
 * const secondsLeft = claims.exp - Date.now() / 1000
 * ```
 */
export interface TokenClaims {
  /** Expiry, seconds since the epoch. */
  exp: number
  /** Not-before, seconds since the epoch. */
  nbf?: number
  /** Issued-at, seconds since the epoch. */
  iat?: number
  /** Issuer. */
  iss?: string
  /** Subject: the principal the broker will see. */
  sub?: string
  /** Audience: one string or a list. */
  aud?: string | string[]
  /** Space-separated SciToken scopes, e.g. `"kafka.produce read:/gracedb"`. */
  scope?: string
  /** The older list form of the scopes, used when `scope` is absent. */
  scp?: string | string[]
  /** SciToken version, e.g. `"scitoken:2.0"`. */
  ver?: string | number
  /** Any other claim. */
  [claim: string]: unknown
}

const numericDate = z.number({ error: 'must be a number of seconds (NumericDate)' })
const stringOrList = z.union([z.string(), z.array(z.string())], {
  error: 'must be a string or a list of strings',
})

const claimsSchema = z
  .object({
    exp: numericDate.optional(),
    nbf: numericDate.optional(),
    iat: numericDate.optional(),
    iss: z.string({ error: 'must be a string' }).optional(),
    sub: z.string({ error: 'must be a string' }).optional(),
    aud: stringOrList.optional(),
    scope: z.string({ error: 'must be a space-separated string' }).optional(),
    scp: stringOrList.optional(),
    ver: z.union([z.string(), z.number()], { error: 'must be a string or a number' }).optional(),
  })
  .loose()

/** The result of decoding, without throwing: the discovery loop records failures and moves on. */
export type DecodeResult =
  | { ok: true; claims: TokenClaims }
  | { ok: false; code: TokenErrorCode; reason: string }

const BASE64URL = /^[A-Za-z0-9_-]*$/

/**
 * Decode a compact JWT's header and claims without throwing. The reasons never quote the token: jose's own
 * errors (whose causes can quote decoded payload bytes) are mapped to fixed sentences and dropped.
 */
export function tryDecodeToken(jwt: string): DecodeResult {
  // Whatever it turns out to be, a string handed to the decoder is treated as a secret from now on.
  registerSecret(jwt, TOKEN_SECRET)
  const malformed = (reason: string): DecodeResult => ({
    ok: false,
    code: TOKEN_ERROR_CODES.MALFORMED,
    reason,
  })
  const segments = jwt.split('.')
  if (segments.length !== 3) {
    return malformed(
      `is not a JWT: expected 3 dot-separated segments (header.payload.signature), found ${segments.length}`,
    )
  }
  const names = ['header', 'payload', 'signature'] as const
  for (const [i, segment] of segments.entries()) {
    if (!BASE64URL.test(segment)) return malformed(`is not a JWT: the ${names[i]} is not base64url`)
  }
  try {
    decodeProtectedHeader(jwt)
  } catch {
    return malformed('is not a JWT: the header is not base64url-encoded JSON')
  }
  let payload: unknown
  try {
    payload = decodeJwt(jwt)
  } catch (err) {
    const message = err instanceof Error ? err.message : ''
    if (/must contain a payload/.test(message)) return malformed('is not a JWT: the payload is empty')
    if (/base64/i.test(message)) return malformed('is not a JWT: the payload is not valid base64url')
    if (/JSON/.test(message)) return malformed('is not a JWT: the payload is not JSON')
    if (/Claims Set/i.test(message)) return malformed('is not a JWT: the payload is not a JSON object')
    return malformed('is not a decodable JWT')
  }
  const parsed = claimsSchema.safeParse(payload)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const claim = safeText(String(issue?.path[0] ?? '?'), 40)
    return malformed(`has an invalid "${claim}" claim: ${issue?.message ?? 'wrong type'}`)
  }
  const claims = parsed.data
  if (claims.exp === undefined) {
    return {
      ok: false,
      code: TOKEN_ERROR_CODES.NO_EXP,
      reason: 'has no "exp" claim, so its expiry is unknown',
    }
  }
  return { ok: true, claims: claims as TokenClaims }
}

/**
 * Decode a SciToken's claims with jose's `decodeJwt` / `decodeProtectedHeader`.
 *
 * The signature is **not** verified: the client cannot and need not verify it (the Kafka broker verifies every
 * token against the issuer's keys). ligo-gracedb's direct-read path does the same. The claims are only used to
 * choose a token and to know when to refresh it.
 *
 * @param jwt - the serialized token (compact JWS, three base64url segments).
 * @param source - where it came from (a variable name or a path); used in the error, never the token.
 * @throws KafkaTokenError with code `ERR_KAFKA_TOKEN_MALFORMED` (not a JWT, bad base64url, payload not a JSON
 *   object, a standard claim of the wrong type) or `ERR_KAFKA_TOKEN_NO_EXP`.
 *
 * @example
 * ```ts
 * import { decodeToken } from '@gracedb-kafka/auth'
 *
 * const claims = decodeToken(token, 'BEARER_TOKEN')
 * console.log(claims.sub, new Date(claims.exp * 1000))
 * ```
 */
export function decodeToken(jwt: string, source: string): TokenClaims {
  const safeSource = safeText(typeof source === 'string' ? source : 'the given value')
  if (typeof jwt !== 'string') {
    throw new KafkaTokenError(
      `SciToken from ${safeSource} is not a JWT: expected a string, got ${jwt === null ? 'null' : typeof jwt}`,
      { code: TOKEN_ERROR_CODES.MALFORMED, source: safeSource },
    )
  }
  registerSecret(jwt, TOKEN_SECRET)
  const result = tryDecodeToken(jwt.trim())
  if (result.ok) return result.claims
  throw new KafkaTokenError(`SciToken from ${safeSource} ${result.reason}`, {
    code: result.code,
    source: safeSource,
  })
}
