// The topics package's own redaction of its error messages: registered secrets, then anything shaped like a JWT.
import { redactSecrets } from './secrets.js'

const JWT_PATTERN = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g
// A JWT whose JSON header is not `{"` (`{ "` → `eyA`, `{\n` → `ewo`): the same second net as core's redactTokens.
const JSON_HEADER_JWT = /\be[wy][A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g

function jsonHeader(token: string): boolean {
  const segment = token.slice(0, token.indexOf('.')).slice(0, 16)
  try {
    // atob, not Buffer: this package has no Node-only dependency. base64url → base64 first.
    const text = atob(
      segment
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .slice(0, segment.length - (segment.length % 4)),
    )
    return /^\{\s*("|\}|$)/.test(text)
  } catch {
    return false
  }
}

/** Replace every registered secret (longest first) and anything shaped like a JWT in `text`. */
export function redact(text: string): string {
  return redactSecrets(text)
    .replace(JWT_PATTERN, '[REDACTED-TOKEN]')
    .replace(JSON_HEADER_JWT, (m) => (jsonHeader(m) ? '[REDACTED-TOKEN]' : m))
}
