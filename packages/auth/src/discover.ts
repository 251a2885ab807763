import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { KafkaTokenError, registerSecret } from '@gracedb-kafka/core'
import { checkFallback, checkStrict } from './check-claims.js'
import { HTGETTOKEN_HINT, TOKEN_ERROR_CODES, TOKEN_SECRET, type TokenErrorCode } from './codes.js'
import { type TokenClaims, tryDecodeToken } from './decode-token.js'
import { readTokenFile } from './read-token-file.js'
import { safeText } from './safe-text.js'
import type { ScopeEntry } from './scope.js'

/** A validated token request, as {@link discoverToken} consumes it. */
export interface ResolvedRequest {
  audience: string
  /** The requested scope string, for messages. */
  scope: string
  scopes: readonly ScopeEntry[]
  minLifetime: number
  env: NodeJS.ProcessEnv
  fallback: boolean
}

/** A discovered token with its decoded claims and where it came from. */
export interface DiscoveredToken {
  token: string
  claims: TokenClaims
  /** Variable name (`SCITOKEN`, `BEARER_TOKEN`) or file path. */
  source: string
  /** Human label, e.g. `$BEARER_TOKEN_FILE (/path)`. */
  label: string
  /** `match`: passed audience/scope/lifetime; `fallback`: the direct read, which checks expiry only. */
  via: 'match' | 'fallback'
}

interface Attempt {
  label: string
  source: string
  code: TokenErrorCode
  reason: string
}

/** `$XDG_RUNTIME_DIR/bt_u<euid>` when XDG_RUNTIME_DIR is set and non-empty, else `/tmp/bt_u<euid>`. */
export function defaultTokenPath(env: NodeJS.ProcessEnv): string | undefined {
  const euid = process.geteuid?.() ?? process.getuid?.()
  if (euid === undefined) return undefined
  const dir = env.XDG_RUNTIME_DIR ? env.XDG_RUNTIME_DIR : '/tmp'
  return join(dir, `bt_u${euid}`)
}

/** HTCondor credential files: `$_CONDOR_CREDS/*.use`, sorted by name so the order is deterministic. */
async function condorTokenFiles(
  dir: string,
): Promise<{ files: string[] } | { code: TokenErrorCode; reason: string }> {
  try {
    const names = await readdir(dir)
    return {
      files: names
        .filter((n) => n.endsWith('.use') && n !== '.use')
        .sort()
        .map((n) => join(dir, n)),
    }
  } catch (err) {
    const errno = (err as { code?: string }).code ?? 'EIO'
    if (errno === 'ENOENT') return { code: TOKEN_ERROR_CODES.NOT_FOUND, reason: 'does not exist' }
    if (errno === 'ENOTDIR') return { code: TOKEN_ERROR_CODES.UNREADABLE, reason: 'is not a directory' }
    return { code: TOKEN_ERROR_CODES.UNREADABLE, reason: `cannot be listed (${errno})` }
  }
}

/**
 * Find a SciToken the way ligo-gracedb does (igwn-auth-utils `find_token`, then a direct read as fallback).
 *
 * Strict pass, first token that passes {@link checkStrict} wins; a bad source is recorded and skipped:
 * 1. `$SCITOKEN` (token content), 2. `$SCITOKEN_FILE` (path), 3. `$_CONDOR_CREDS/*.use` (sorted),
 * 4. WLCG bearer token discovery, which stops at the first source present: `$BEARER_TOKEN` (trimmed, empty
 *    means go on), `$BEARER_TOKEN_FILE` (if it is a regular file), `$XDG_RUNTIME_DIR/bt_u<euid>` or
 *    `/tmp/bt_u<euid>`.
 * Fallback (when enabled): the WLCG token from step 4 is accepted if it has not expired.
 */
export async function discoverToken(req: ResolvedRequest): Promise<DiscoveredToken> {
  const { env } = req
  const attempts: Attempt[] = []
  const notSet: string[] = []
  let wlcgAttempt: Attempt | undefined
  let wlcgDecoded: { label: string; source: string; token: string; claims: TokenClaims } | undefined

  const record = (label: string, source: string, code: TokenErrorCode, reason: string): Attempt => {
    const attempt = { label, source, code, reason }
    attempts.push(attempt)
    return attempt
  }

  const consider = (
    label: string,
    source: string,
    token: string,
    wlcg: boolean,
  ): DiscoveredToken | undefined => {
    registerSecret(token, TOKEN_SECRET)
    const decoded = tryDecodeToken(token)
    if (!decoded.ok) {
      const attempt = record(label, source, decoded.code, decoded.reason)
      if (wlcg) wlcgAttempt = attempt
      return undefined
    }
    const verdict = checkStrict(decoded.claims, req, Date.now())
    if (verdict.ok) return { token, claims: decoded.claims, source, label, via: 'match' }
    const attempt = record(label, source, verdict.code, verdict.reason)
    if (wlcg) {
      wlcgAttempt = attempt
      wlcgDecoded = { label, source, token, claims: decoded.claims }
    }
    return undefined
  }

  const considerFile = async (label: string, path: string, wlcg: boolean) => {
    const source = safeText(path)
    const file = await readTokenFile(path)
    if (file.ok) return { present: true, found: consider(label, source, file.text, wlcg) }
    const attempt = record(label, source, file.code, file.reason)
    if (wlcg && file.present) wlcgAttempt = attempt
    return { present: file.present, found: undefined }
  }

  // 1-2. igwn-auth-utils: SCITOKEN (content), SCITOKEN_FILE (path)
  if (env.SCITOKEN === undefined) notSet.push('$SCITOKEN')
  else {
    const token = env.SCITOKEN.trim()
    if (token === '') record('$SCITOKEN', 'SCITOKEN', TOKEN_ERROR_CODES.EMPTY, 'is set but empty')
    else {
      const found = consider('$SCITOKEN', 'SCITOKEN', token, false)
      if (found) return found
    }
  }
  if (env.SCITOKEN_FILE === undefined) notSet.push('$SCITOKEN_FILE')
  else if (env.SCITOKEN_FILE === '') {
    record('$SCITOKEN_FILE', 'SCITOKEN_FILE', TOKEN_ERROR_CODES.NOT_FOUND, 'is set but empty')
  } else {
    const { found } = await considerFile(
      `$SCITOKEN_FILE (${safeText(env.SCITOKEN_FILE)})`,
      env.SCITOKEN_FILE,
      false,
    )
    if (found) return found
  }

  // 3. igwn-auth-utils: HTCondor credentials directory
  if (!env._CONDOR_CREDS) notSet.push('$_CONDOR_CREDS')
  else {
    const dirLabel = `$_CONDOR_CREDS (${safeText(env._CONDOR_CREDS)})`
    const listing = await condorTokenFiles(env._CONDOR_CREDS)
    if ('files' in listing) {
      if (listing.files.length === 0) {
        record(
          dirLabel,
          safeText(env._CONDOR_CREDS),
          TOKEN_ERROR_CODES.NOT_FOUND,
          'holds no *.use token file',
        )
      }
      for (const file of listing.files) {
        const { found } = await considerFile(`$_CONDOR_CREDS file ${safeText(file)}`, file, false)
        if (found) return found
      }
    } else record(dirLabel, safeText(env._CONDOR_CREDS), listing.code, listing.reason)
  }

  // 4. WLCG bearer token discovery (scitokens SciToken.discover): stops at the first source present
  let selected = false
  const bearer = env.BEARER_TOKEN
  if (bearer === undefined) notSet.push('$BEARER_TOKEN')
  else if (bearer.trim() === '') {
    record('$BEARER_TOKEN', 'BEARER_TOKEN', TOKEN_ERROR_CODES.NOT_FOUND, 'is set but empty, skipped')
  } else {
    selected = true
    const found = consider('$BEARER_TOKEN', 'BEARER_TOKEN', bearer.trim(), true)
    if (found) return found
  }
  if (!selected) {
    const file = env.BEARER_TOKEN_FILE
    if (file === undefined) notSet.push('$BEARER_TOKEN_FILE')
    else if (file === '') {
      record(
        '$BEARER_TOKEN_FILE',
        'BEARER_TOKEN_FILE',
        TOKEN_ERROR_CODES.NOT_FOUND,
        'is set but empty, skipped',
      )
    } else {
      const result = await considerFile(`$BEARER_TOKEN_FILE (${safeText(file)})`, file, true)
      if (result.found) return result.found
      selected = result.present
    }
  }
  const defaultPath = defaultTokenPath(env)
  if (!selected && defaultPath !== undefined) {
    const result = await considerFile(defaultPath, defaultPath, true)
    if (result.found) return result.found
  }

  // Fallback: ligo-gracedb's direct read of the WLCG token, which checks expiry only.
  if (req.fallback && wlcgDecoded !== undefined && checkFallback(wlcgDecoded.claims, Date.now()).ok) {
    return { ...wlcgDecoded, via: 'fallback' }
  }

  throw noTokenError(req, attempts, notSet, wlcgAttempt, defaultPath)
}

function noTokenError(
  req: ResolvedRequest,
  attempts: readonly Attempt[],
  notSet: readonly string[],
  wlcgAttempt: Attempt | undefined,
  defaultPath: string | undefined,
): KafkaTokenError {
  const primary =
    wlcgAttempt ??
    attempts.find((a) => a.code !== TOKEN_ERROR_CODES.NOT_FOUND) ??
    attempts.find((a) => a.source !== 'BEARER_TOKEN' && a.source !== 'BEARER_TOKEN_FILE')
  const wanted = `audience "${safeText(req.audience, 200)}"${req.scope ? `, scope "${safeText(req.scope, 200)}"` : ''}`
  const tried =
    attempts.length === 0
      ? 'no discovery location is available'
      : attempts.length === 1 && attempts[0] !== undefined
        ? `${attempts[0].label} ${attempts[0].reason}`
        : `tried, in order: ${attempts.map((a, i) => `(${i + 1}) ${a.label} ${a.reason}`).join('; ')}`
  const unset = notSet.length > 0 ? ` Not set: ${notSet.join(', ')}.` : ''
  const headline =
    primary === undefined || primary.code === TOKEN_ERROR_CODES.NOT_FOUND
      ? `No SciToken found for Kafka (${wanted})`
      : `No usable SciToken for Kafka (${wanted})`
  return new KafkaTokenError(`${headline}: ${tried}.${unset} ${HTGETTOKEN_HINT}`, {
    code: primary?.code ?? TOKEN_ERROR_CODES.NOT_FOUND,
    source: primary?.source ?? defaultPath ?? 'BEARER_TOKEN',
  })
}
