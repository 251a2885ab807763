import { createLocalJWKSet, errors, type JWK, jwtVerify } from 'jose'

/** The result of checking a request's bearer token, mapped to GraceDB's status codes. */
export type TokenCheck =
  | { ok: true; sub: string; scope: string }
  | { ok: false; status: 401 | 403; detail: string }

/** Checks bearer tokens the way GraceDB does: signature against the issuer's JWKS, `iss`, `aud`, `exp`, scope. */
export function createTokenVerifier(opts: {
  issuer: string
  jwks: { keys: JWK[] }
  audience: string[]
  scope: string
}): (authorization: string | undefined) => Promise<TokenCheck> {
  const keys = createLocalJWKSet(opts.jwks)
  return async (authorization) => {
    if (!authorization)
      return { ok: false, status: 401, detail: 'Authentication credentials were not provided.' }
    const m = /^Bearer\s+(\S+)$/i.exec(authorization)
    if (!m?.[1]) return { ok: false, status: 401, detail: 'Invalid token header.' }
    try {
      const { payload } = await jwtVerify(m[1], keys, { issuer: opts.issuer, audience: opts.audience })
      const scope = typeof payload.scope === 'string' ? payload.scope : ''
      if (!scope.split(/\s+/).includes(opts.scope)) {
        return { ok: false, status: 403, detail: `Token lacks the required scope "${opts.scope}".` }
      }
      return { ok: true, sub: String(payload.sub ?? 'unknown'), scope }
    } catch (err) {
      if (err instanceof errors.JWTExpired) return { ok: false, status: 401, detail: 'Token has expired.' }
      const reason = err instanceof Error ? err.message : String(err)
      return { ok: false, status: 401, detail: `Invalid token: ${reason}` }
    }
  }
}
