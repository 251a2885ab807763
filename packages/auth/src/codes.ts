/**
 * The stable `code` values of the {@link KafkaTokenError}s raised by this package. Match on these, never on
 * message text.
 *
 * | code | meaning |
 * | --- | --- |
 * | `ERR_KAFKA_TOKEN_NOT_FOUND` | no token in any discovery location |
 * | `ERR_KAFKA_TOKEN_EMPTY` | the file (or variable) holds only whitespace |
 * | `ERR_KAFKA_TOKEN_UNREADABLE` | the path exists but cannot be read (permissions, FIFO, ENOTDIR, ELOOP …) |
 * | `ERR_KAFKA_TOKEN_IS_DIRECTORY` | a directory sits where the token file should be |
 * | `ERR_KAFKA_TOKEN_MALFORMED` | not a JWT, bad base64url, payload not a JSON object, a claim of the wrong type |
 * | `ERR_KAFKA_TOKEN_NO_EXP` | the token has no `exp` claim |
 * | `ERR_KAFKA_TOKEN_EXPIRED` | `exp` is in the past |
 * | `ERR_KAFKA_TOKEN_EXPIRES_SOON` | less than `minLifetime` seconds left |
 * | `ERR_KAFKA_TOKEN_NOT_YET_VALID` | `nbf` (or `iat`) is in the future |
 * | `ERR_KAFKA_TOKEN_AUDIENCE` | `aud` names neither the requested audience nor `ANY` |
 * | `ERR_KAFKA_TOKEN_SCOPE` | a requested scope is not granted |
 *
 * @example
 * ```ts
 * import { KafkaTokenError, TOKEN_ERROR_CODES } from '@gracedb-kafka/auth'
 *
 * try {
 *   await getScitokenForKafka('kafka.example.org:9092')
 * } catch (err) {
 *   if (err instanceof KafkaTokenError && err.code === TOKEN_ERROR_CODES.EXPIRED) console.error('run htgettoken')
 * }
 * ```
 */
export const TOKEN_ERROR_CODES = {
  NOT_FOUND: 'ERR_KAFKA_TOKEN_NOT_FOUND',
  EMPTY: 'ERR_KAFKA_TOKEN_EMPTY',
  UNREADABLE: 'ERR_KAFKA_TOKEN_UNREADABLE',
  IS_DIRECTORY: 'ERR_KAFKA_TOKEN_IS_DIRECTORY',
  MALFORMED: 'ERR_KAFKA_TOKEN_MALFORMED',
  NO_EXP: 'ERR_KAFKA_TOKEN_NO_EXP',
  EXPIRED: 'ERR_KAFKA_TOKEN_EXPIRED',
  EXPIRES_SOON: 'ERR_KAFKA_TOKEN_EXPIRES_SOON',
  NOT_YET_VALID: 'ERR_KAFKA_TOKEN_NOT_YET_VALID',
  AUDIENCE: 'ERR_KAFKA_TOKEN_AUDIENCE',
  SCOPE: 'ERR_KAFKA_TOKEN_SCOPE',
} as const

/**
 * One of the {@link TOKEN_ERROR_CODES} values.
 *
 * @example
 * ```ts
 * const code: TokenErrorCode = 'ERR_KAFKA_TOKEN_EXPIRED'
 * ```
 */
export type TokenErrorCode = (typeof TOKEN_ERROR_CODES)[keyof typeof TOKEN_ERROR_CODES]

/**
 * The command the reference appends to token errors, so the fix is one copy-paste away.
 *
 * @example
 * ```ts
 * console.error(`no token; ${HTGETTOKEN_HINT}`)
 * ```
 */
export const HTGETTOKEN_HINT: string = 'Obtain a fresh token with: htgettoken -a vault.ligo.org -i igwn'

/**
 * Seconds of clock skew tolerated when checking `nbf` and `iat`. The reference's scitokens Enforcer uses none
 * (`nbf < now`); we tolerate the same 30 s the Kafka broker's OAUTHBEARER validator allows by default
 * (`sasl.oauthbearer.clock.skew.seconds`), so a token the broker would take is not refused here.
 *
 * @example
 * ```ts
 * const usableFrom = claims.nbf === undefined ? 0 : claims.nbf - CLOCK_SKEW_SECONDS
 * ```
 */
export const CLOCK_SKEW_SECONDS = 30

/**
 * How auth registers what it reads as a secret: text shorter than 12 characters is not a credential worth hiding
 * everywhere (a token file holding `test` must not turn every later "test" into `[REDACTED]`); real SciTokens
 * are hundreds of characters long.
 */
export const TOKEN_SECRET: { readonly minLength: number } = { minLength: 12 }
