import { redactSecrets } from '@gracedb-kafka/topics'

/**
 * The second net, after the registry of known secrets: anything shaped like a compact JWS/JWT whose header is a
 * JSON object. A header `{"` encodes to `eyJ`, `{ "` to `eyA`/`eyAi`, `{\n` to `ewo`, `{\r\n` to `ew0`, so the
 * first segment starts with `ey` or `ew`; the other two are base64url too.
 */
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g
const JSON_HEADER_JWT = /\be[wy][A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g

/** The placeholder a JWT-shaped string is replaced with. */
const TOKEN_PLACEHOLDER = '[REDACTED-TOKEN]'

function decodesToJsonObject(segment: string): boolean {
  try {
    const text = Buffer.from(segment.slice(0, 16), 'base64url').toString('latin1')
    return /^\{\s*("|\})/.test(text) || /^\{\s*$/.test(text)
  } catch {
    return false
  }
}

/**
 * Make `text` safe for an error message, a warning or a log line: every registered secret (see
 * `registerSecret`: tokens the process has read, passwords found in URLs) is replaced by `[REDACTED]`, then
 * anything still shaped like a JWT (a base64url JSON header, then two more base64url segments) by
 * `[REDACTED-TOKEN]`.
 *
 * @example
 * ```ts
 * redactTokens('bad token eyJhbGciOi.eyJzdWIi.sig') // 'bad token [REDACTED-TOKEN]'
 * ```
 */
export function redactTokens(text: string): string {
  const known = redactSecrets(typeof text === 'string' ? text : String(text))
  return known
    .replace(JWT_PATTERN, TOKEN_PLACEHOLDER)
    .replace(JSON_HEADER_JWT, (m) => (decodesToJsonObject(m.split('.')[0] ?? '') ? TOKEN_PLACEHOLDER : m))
}

/**
 * {@link redactTokens} applied to a value of any kind, for output that may hold an object: strings are
 * redacted, anything else is turned into text first (`JSON.stringify` when it can, `String` otherwise).
 *
 * @example
 * ```ts
 * redactValue({ authorization: `Bearer ${token}` }) // '{"authorization":"Bearer [REDACTED]"}'
 * ```
 */
export function redactValue(value: unknown): string {
  if (typeof value === 'string') return redactTokens(value)
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    try {
      text = String(value)
    } catch {
      text = Object.prototype.toString.call(value)
    }
  }
  return redactTokens(text)
}
