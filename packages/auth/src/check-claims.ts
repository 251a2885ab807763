import { CLOCK_SKEW_SECONDS, TOKEN_ERROR_CODES, type TokenErrorCode } from './codes.js'
import type { TokenClaims } from './decode-token.js'
import { formatTimestamp, safeText } from './safe-text.js'
import { grantedScopes, missingScopes, type ScopeEntry } from './scope.js'

/** What a token must satisfy to be accepted on the strict (igwn-auth-utils) path. */
export interface TokenRequirements {
  /** The audience to match (`aud` must contain it or `ANY`). */
  audience: string
  /** Requested scopes, all of which must be granted. */
  scopes: readonly ScopeEntry[]
  /** Seconds that must be left before `exp`. */
  minLifetime: number
}

/** Accepted, or refused with a stable code and a reason that never quotes the token. */
export type Verdict = { ok: true } | { ok: false; code: TokenErrorCode; reason: string }

const OK: Verdict = { ok: true }

function describeValues(values: readonly string[]): string {
  const shown = values.slice(0, 5).map((v) => JSON.stringify(safeText(v, 120)))
  return `[${shown.join(', ')}${values.length > 5 ? ', …' : ''}]`
}

/**
 * Time checks shared by both paths: `exp` not passed, `nbf`/`iat` not in the future (with
 * {@link CLOCK_SKEW_SECONDS} of tolerance). The strict path additionally requires `minLifetime` seconds left.
 */
export function checkTimes(claims: TokenClaims, nowMs: number, minLifetime: number): Verdict {
  const now = nowMs / 1000
  if (claims.exp <= now) {
    return {
      ok: false,
      code: TOKEN_ERROR_CODES.EXPIRED,
      reason: `expired at ${formatTimestamp(claims.exp)}`,
    }
  }
  for (const claim of ['nbf', 'iat'] as const) {
    const value = claims[claim]
    if (value !== undefined && value > now + CLOCK_SKEW_SECONDS) {
      return {
        ok: false,
        code: TOKEN_ERROR_CODES.NOT_YET_VALID,
        reason: `is not valid yet: "${claim}" is ${formatTimestamp(value)}, in the future`,
      }
    }
  }
  const left = claims.exp - now
  if (left < minLifetime) {
    return {
      ok: false,
      code: TOKEN_ERROR_CODES.EXPIRES_SOON,
      reason: `expires at ${formatTimestamp(claims.exp)}, only ${Math.floor(left)} s from now (at least ${minLifetime} s required)`,
    }
  }
  return OK
}

/**
 * Audience rule of scitokens' Enforcer (`_validate_aud`), which igwn-auth-utils uses: the `aud` claim (a string
 * or a list) must contain the requested audience or `ANY`, compared as exact strings (no scheme or port
 * normalisation). A token with no `aud` claim passes, unless it declares `ver: "scitoken:2.0"`, which makes
 * `aud` mandatory.
 */
export function checkAudience(claims: TokenClaims, audience: string): Verdict {
  if (claims.aud === undefined) {
    if (claims.ver === 'scitoken:2.0') {
      return {
        ok: false,
        code: TOKEN_ERROR_CODES.AUDIENCE,
        reason: `has no "aud" claim (required for scitoken:2.0), so it cannot match audience "${audience}"`,
      }
    }
    return OK
  }
  const values = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (values.includes('ANY') || values.includes(audience)) return OK
  return {
    ok: false,
    code: TOKEN_ERROR_CODES.AUDIENCE,
    reason: `has audience ${describeValues(values)}, which includes neither "${audience}" nor "ANY"`,
  }
}

/** Every requested scope must be granted, under SciToken `authz[:path]` path-prefix rules. */
export function checkScopes(claims: TokenClaims, requested: readonly ScopeEntry[]): Verdict {
  if (requested.length === 0) return OK
  const granted = grantedScopes(claims)
  if (granted === undefined) {
    return { ok: false, code: TOKEN_ERROR_CODES.SCOPE, reason: 'has no "scope" claim' }
  }
  const missing = missingScopes(granted, requested)
  if (missing.length === 0) return OK
  const grantedText = granted.map((g) => (g.path === '/' ? g.authz : `${g.authz}:${g.path}`))
  return {
    ok: false,
    code: TOKEN_ERROR_CODES.SCOPE,
    reason: `does not grant scope ${describeValues(missing)} (it grants ${describeValues(grantedText)})`,
  }
}

/** The strict acceptance test: times (with `minLifetime`), audience, then scopes. */
export function checkStrict(claims: TokenClaims, req: TokenRequirements, nowMs: number): Verdict {
  const times = checkTimes(claims, nowMs, req.minLifetime)
  if (!times.ok) return times
  const audience = checkAudience(claims, req.audience)
  if (!audience.ok) return audience
  return checkScopes(claims, req.scopes)
}

/**
 * The fallback acceptance test, as ligo-gracedb's direct read: only that the token has not expired (here also
 * that it is a decodable JWT with `exp`, and that `nbf`/`iat` are not in the future). Audience, scope and the
 * minimum lifetime are not checked.
 */
export function checkFallback(claims: TokenClaims, nowMs: number): Verdict {
  return checkTimes(claims, nowMs, 0)
}
