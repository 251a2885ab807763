// Test helpers for the bad-input suite (not built or published): where, if anywhere, a secret shows up.
import { expect } from 'vitest'

/** A secret and the forms it may take in text (raw, percent-encoded). */
function forms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret)])]
}

function describe(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  } catch {
    try {
      return String(value)
    } catch {
      return ''
    }
  }
}

/**
 * Every text an error exposes: message, stack, `String(err)`, its JSON form, every own property (`input`,
 * `body`, `serverMessage`, `source`, `option`…), and the same for each error of its `cause` chain.
 */
export function exposedTexts(err: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = []
  const seen = new Set<unknown>()
  let current: unknown = err
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    if (seen.has(current)) break
    seen.add(current)
    const at = depth === 0 ? 'error' : `cause[${depth}]`
    if (typeof current !== 'object') {
      out.push([at, describe(current)])
      break
    }
    const e = current as Record<string, unknown>
    out.push([`${at}.message`, describe(e.message)])
    out.push([`${at}.stack`, describe(e.stack)])
    out.push([`${at}.toString`, describe(current)])
    out.push([`${at}.json`, describe(JSON.stringify(e, Object.getOwnPropertyNames(e)))])
    for (const key of Object.getOwnPropertyNames(e)) {
      if (key !== 'cause') out.push([`${at}.${key}`, describe(e[key])])
    }
    current = e.cause
  }
  return out
}

/** The places where one of `secrets` appears in what `err` exposes. */
export function leaksIn(err: unknown, secrets: readonly string[]): string[] {
  const found: string[] = []
  for (const [where, text] of exposedTexts(err)) {
    for (const secret of secrets) {
      if (forms(secret).some((f) => text.includes(f))) found.push(where)
    }
  }
  return found
}

/** Assert that none of `secrets` appears in `err` (message, stack, cause chain, JSON, properties). */
export function expectNoLeak(err: unknown, secrets: readonly string[]): void {
  expect(leaksIn(err, secrets), 'secret found in the error').toEqual([])
}

/** Assert that none of `secrets` appears in a piece of output. */
export function expectNoLeakInText(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) {
    for (const f of forms(secret))
      expect(text.includes(f), `secret found in output: ${where(text, f)}`).toBe(false)
  }
}

function where(text: string, secret: string): string {
  const i = text.indexOf(secret)
  return i < 0 ? '' : `at offset ${i}`
}

/** What a call threw (sync or async); fails the test when it did not throw. */
export async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn()
  } catch (err) {
    return err
  }
  throw new Error('expected the call to throw')
}

/** A compact token from raw header and payload JSON text (the signature is not checked client-side). */
export function rawJwt(
  payload: string,
  header = '{"alg":"ES256","typ":"JWT"}',
  signature = 'c2lnbmF0dXJl',
): string {
  const b64u = (t: string) => Buffer.from(t).toString('base64url')
  return `${b64u(header)}.${b64u(payload)}.${signature}`
}

/** A valid-looking SciToken payload as JSON text, expiring `lifetime` seconds from now. */
export function claims(extra: Record<string, unknown> = {}, lifetime = 3600): string {
  const now = Math.floor(Date.now() / 1000)
  return JSON.stringify({
    iss: 'https://issuer.test.example',
    sub: 'testuser',
    aud: 'kafka.example.org',
    scope: 'kafka.produce kafka.consume',
    iat: now,
    nbf: now,
    exp: now + lifetime,
    ...extra,
  })
}
