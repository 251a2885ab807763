/**
 * The process-wide registry of secret values (tokens read, passwords found in URLs). Every message that leaves
 * gracedb-kafka (errors, warnings, log lines, CLI output) passes through {@link redactSecrets}, which replaces
 * each registered value wherever it appears, whatever it looks like.
 *
 * The registry lives in `@gracedb-kafka/topics` (the lowest layer, so a `kafka://` URL password is registered where
 * it is parsed) and is re-exported by `@gracedb-kafka/core`. It is kept on `globalThis` under
 * `Symbol.for('@gracedb-kafka/secrets')`, so two installed copies of the package share it.
 */
const REGISTRY_KEY: unique symbol = Symbol.for('@gracedb-kafka/secrets') as never

/** Values shorter than this are not registered: replacing every "ab" in a message would destroy it. */
export const MIN_SECRET_LENGTH: number = 4

/** At most this many values are kept (oldest dropped first), so a long-running process stays bounded. */
const MAX_SECRETS = 256

/** What a registered value is replaced with. */
export const SECRET_PLACEHOLDER: string = '[REDACTED]'

type Registry = Set<string>

function registry(): Registry {
  const holder = globalThis as { [REGISTRY_KEY]?: Registry }
  let set = holder[REGISTRY_KEY]
  if (!(set instanceof Set)) {
    set = new Set<string>()
    holder[REGISTRY_KEY] = set
  }
  return set
}

/** The forms a secret can take in text: as given, trimmed, percent-decoded and percent-encoded. */
function variants(value: string): string[] {
  const out = new Set<string>([value, value.trim()])
  try {
    out.add(decodeURIComponent(value))
  } catch {
    // not percent-encoded
  }
  out.add(encodeURIComponent(value))
  return [...out]
}

/** Options of {@link registerSecret}. */
export interface RegisterSecretOptions {
  /**
   * Ignore values shorter than this (never less than {@link MIN_SECRET_LENGTH}). Whoever registers text that may
   * not be a secret at all (the content of a token file, which could be `test`) sets it higher, so a common word
   * is never removed from every later message.
   */
  minLength?: number
}

/**
 * Register a secret (a token, a password) so that {@link redactSecrets} removes it from every later message.
 * Values shorter than {@link MIN_SECRET_LENGTH} characters are ignored; non-strings are ignored.
 *
 * @example
 * ```ts
 * registerSecret(tokenText)
 * redactSecrets(`server said: Bearer ${tokenText}`) // 'server said: Bearer [REDACTED]'
 * ```
 */
export function registerSecret(value: unknown, options: RegisterSecretOptions = {}): void {
  if (typeof value !== 'string') return
  const min = Math.max(MIN_SECRET_LENGTH, options.minLength ?? 0)
  const set = registry()
  for (const v of variants(value)) {
    if (v.length < min || set.has(v)) continue
    set.add(v)
    if (set.size > MAX_SECRETS) {
      const oldest = set.values().next().value
      if (oldest !== undefined) set.delete(oldest)
    }
  }
}

/**
 * Whether `value` (or one of its encoded forms) is registered.
 *
 * @example
 * ```ts
 * registerSecret('s3cr3t-pass'); isRegisteredSecret('s3cr3t-pass') // true
 * ```
 */
export function isRegisteredSecret(value: string): boolean {
  return registry().has(value)
}

/**
 * Replace every registered secret in `text` with {@link SECRET_PLACEHOLDER}, longest first (so a token that
 * contains a registered password is removed whole).
 *
 * @example
 * ```ts
 * registerSecret('hunter2-pw')
 * redactSecrets('kafka://u:hunter2-pw@host') // 'kafka://u:[REDACTED]@host'
 * ```
 */
export function redactSecrets(text: string): string {
  const set = registry()
  if (set.size === 0) return text
  let out = text
  for (const secret of [...set].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(SECRET_PLACEHOLDER)
  }
  return out
}

/**
 * Forget every registered secret. For tests; a real process keeps its secrets registered until it exits.
 *
 * @example
 * ```ts
 * afterEach(() => clearSecrets())
 * ```
 */
export function clearSecrets(): void {
  registry().clear()
}
