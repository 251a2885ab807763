import { InvalidOptionError } from '@gracedb-kafka/core'

/** One SciToken scope, `authz[:path]`, with its path normalized (`/` when absent). */
export interface ScopeEntry {
  authz: string
  path: string
}

/** Authorizations that scitokens' Enforcer requires a path for. */
const PATH_REQUIRED = new Set(['read', 'write'])

/** Percent-decode `%XX` escapes except those for `/ ? + #`, as scitokens' urltools.unquote does. */
function unquote(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (match, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16))
    return '/?+#'.includes(char) ? match : char
  })
}

/**
 * Normalize a scope path as scitokens' `urltools.normalize_path` does: decode escapes, collapse `//` and `.`,
 * resolve `..` (never above `/`), keep a trailing slash.
 */
export function normalizeScopePath(path: string): string {
  if (path === '' || path === '/' || path === '//') return '/'
  const out: string[] = []
  for (const segment of unquote(path).split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') out.pop()
    else out.push(segment)
  }
  let normalized = `/${out.join('/')}`
  if (path.endsWith('/') && normalized !== '/') normalized += '/'
  return normalized
}

/** scitokens `Enforcer._scope_path_matches`: `/foo` covers `/foo` and `/foo/…`, never `/foobar`. */
export function scopePathCovers(allowed: string, requested: string): boolean {
  if (allowed === '/') return true
  if (requested === allowed) return true
  if (allowed.endsWith('/')) return requested.startsWith(allowed)
  return requested.startsWith(`${allowed}/`)
}

/**
 * Parse one scope granted by a token. Entries scitokens refuses (`read`/`write` without a path, a relative path,
 * a `..` segment) grant nothing and are dropped.
 */
function parseGranted(scope: string): ScopeEntry | undefined {
  const colon = scope.indexOf(':')
  const authz = colon === -1 ? scope : scope.slice(0, colon)
  if (colon === -1) return PATH_REQUIRED.has(authz) ? undefined : { authz, path: '/' }
  const path = scope.slice(colon + 1)
  if (!path.startsWith('/')) return undefined
  if (path.split('/').some((segment) => unquote(segment) === '..')) return undefined
  return { authz, path: normalizeScopePath(path) }
}

/**
 * The scopes a token grants: its `scope` claim (space separated) or, when that is absent, its older `scp` claim
 * (a string or a list), as scitokens' Enforcer reads them.
 */
export function grantedScopes(claims: { scope?: unknown; scp?: unknown }): ScopeEntry[] | undefined {
  let raw: string[]
  if (typeof claims.scope === 'string') raw = claims.scope.split(/\s+/)
  else if (typeof claims.scp === 'string') raw = claims.scp.split(/\s+/)
  else if (Array.isArray(claims.scp)) raw = claims.scp.filter((s): s is string => typeof s === 'string')
  else return undefined
  return raw.filter((s) => s !== '').flatMap((s) => parseGranted(s) ?? [])
}

/**
 * Parse the requested scope string (space separated, each `authz[:path]`). An empty string requests nothing.
 * Throws {@link InvalidOptionError} for a scope scitokens' Enforcer would refuse to test (`read`/`write` without a
 * path, a relative path).
 */
export function parseRequestedScopes(scope: string): ScopeEntry[] {
  return scope
    .split(/\s+/)
    .filter((s) => s !== '')
    .map((s) => {
      const colon = s.indexOf(':')
      const authz = colon === -1 ? s : s.slice(0, colon)
      const path = colon === -1 ? '' : s.slice(colon + 1)
      if (path === '' && PATH_REQUIRED.has(authz)) {
        throw new InvalidOptionError('scope', `scope "${s}": "${authz}" needs a path, e.g. "${authz}:/"`)
      }
      if (path !== '' && !path.startsWith('/')) {
        throw new InvalidOptionError('scope', `scope "${s}": the path must be absolute (start with "/")`)
      }
      return { authz, path: normalizeScopePath(path) }
    })
}

/** The requested scopes the granted ones do not cover, rendered as `authz[:path]`. */
export function missingScopes(granted: readonly ScopeEntry[], requested: readonly ScopeEntry[]): string[] {
  return requested
    .filter((req) => !granted.some((g) => g.authz === req.authz && scopePathCovers(g.path, req.path)))
    .map((req) => (req.path === '/' ? req.authz : `${req.authz}:${req.path}`))
}
