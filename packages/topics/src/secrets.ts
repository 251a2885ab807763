/**
 * The topics package's side of gracedb-kafka's process-wide secret registry. `@gracedb-kafka/core` owns the
 * registry (`registerSecret`, `redactSecrets`); this package has no dependencies, so it reaches the same `Set`
 * through the shared `Symbol.for('@gracedb-kafka/secrets')` key on `globalThis`. A password found in a
 * `kafka://` URL is registered here, so core's redactor removes it from every later message too.
 */
const REGISTRY_KEY: unique symbol = Symbol.for('@gracedb-kafka/secrets') as never
const MIN_SECRET_LENGTH = 4
const MAX_SECRETS = 256
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

function registry(): Set<string> {
  const holder = globalThis as { [REGISTRY_KEY]?: Set<string> }
  let set = holder[REGISTRY_KEY]
  if (!(set instanceof Set)) {
    set = new Set<string>()
    holder[REGISTRY_KEY] = set
  }
  return set
}

/** Register `value` (and its percent-decoded and -encoded forms) as a secret. */
export function registerSecret(value: string): void {
  const set = registry()
  const forms = new Set([value])
  try {
    forms.add(decodeURIComponent(value))
  } catch {
    // not percent-encoded
  }
  forms.add(encodeURIComponent(value))
  for (const form of forms) {
    if (form.length < MIN_SECRET_LENGTH || set.has(form)) continue
    set.add(form)
    if (set.size > MAX_SECRETS) {
      const oldest = set.values().next().value
      if (oldest !== undefined) set.delete(oldest)
    }
  }
}

/** Replace every registered secret (longest first) and anything shaped like a JWT in `text`. */
export function redact(text: string): string {
  let out = text
  const set = registry()
  if (set.size > 0) {
    for (const secret of [...set].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.split(secret).join('[REDACTED]')
    }
  }
  return out
    .replace(JWT_PATTERN, '[REDACTED-TOKEN]')
    .replace(JSON_HEADER_JWT, (m) => (jsonHeader(m) ? '[REDACTED-TOKEN]' : m))
}
