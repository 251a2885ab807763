/**
 * Anything shaped like a compact JWS/JWT (three base64url segments, the first starting with `eyJ`).
 * Tokens must never reach an error message or a log line, so every message passes through {@link redactTokens}.
 */
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g

/**
 * Replace every JWT-shaped substring of `text` with `[REDACTED-TOKEN]`.
 *
 * @example
 * ```ts
 * redactTokens('bad token eyJhbGciOi.eyJzdWIi.sig') // 'bad token [REDACTED-TOKEN]'
 * ```
 */
export function redactTokens(text: string): string {
  return text.replace(JWT_PATTERN, '[REDACTED-TOKEN]')
}
