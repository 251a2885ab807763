import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { decodeToken, HTGETTOKEN_HINT, TOKEN_ERROR_CODES } from '@gracedb-kafka/auth'
import { KafkaTokenError } from '@gracedb-kafka/core'

/** One place a token was looked for, and what was found there. */
interface Looked {
  where: string
  outcome: string
  code?: string
}

/**
 * The synchronous token check of `validateToken` (ligo-gracedb's `_validate_token`): look in the places token
 * discovery looks (`$SCITOKEN`, `$SCITOKEN_FILE`, `$_CONDOR_CREDS/*.use`, `$BEARER_TOKEN`,
 * `$BEARER_TOKEN_FILE`, `$XDG_RUNTIME_DIR/bt_u<uid>` or `/tmp/bt_u<uid>`) for a readable SciToken that has not
 * expired. Audience and scope are checked by the full discovery when the producer connects.
 *
 * @throws KafkaTokenError naming every place looked at and what was wrong there, with the htgettoken hint.
 * @example
 * ```ts
 * precheckToken(process.env) // throws KafkaTokenError when no usable token is on disk or in the environment
 * ```
 */
export function precheckToken(env: NodeJS.ProcessEnv = process.env, nowMs: number = Date.now()): void {
  const looked: Looked[] = []
  const consider = (where: string, token: string): boolean => {
    if (token.trim() === '') {
      looked.push({ where, outcome: 'is empty', code: TOKEN_ERROR_CODES.EMPTY })
      return false
    }
    try {
      const claims = decodeToken(token.trim(), where)
      if (claims.exp * 1000 > nowMs) return true
      const at = new Date(claims.exp * 1000).toISOString().replace('.000Z', 'Z')
      looked.push({ where, outcome: `holds a token that expired at ${at}`, code: TOKEN_ERROR_CODES.EXPIRED })
    } catch (err) {
      const { code } = err as KafkaTokenError
      looked.push({ where, outcome: 'does not hold a valid SciToken', code })
    }
    return false
  }
  const considerFile = (where: string, path: string): boolean => {
    let text: string
    try {
      if (!statSync(path).isFile()) {
        looked.push({ where, outcome: 'is not a regular file', code: TOKEN_ERROR_CODES.UNREADABLE })
        return false
      }
      text = readFileSync(path, 'utf8')
    } catch (err) {
      const errno = (err as { code?: string }).code
      const missing = errno === 'ENOENT'
      looked.push({
        where,
        outcome: missing ? 'does not exist' : `cannot be read (${errno ?? 'error'})`,
        code: missing ? TOKEN_ERROR_CODES.NOT_FOUND : TOKEN_ERROR_CODES.UNREADABLE,
      })
      return false
    }
    return consider(where, text)
  }

  if (env.SCITOKEN !== undefined && consider('$SCITOKEN', env.SCITOKEN)) return
  if (env.SCITOKEN_FILE && considerFile(`$SCITOKEN_FILE (${env.SCITOKEN_FILE})`, env.SCITOKEN_FILE)) return
  if (env._CONDOR_CREDS) {
    let names: string[] = []
    try {
      names = readdirSync(env._CONDOR_CREDS).filter((n) => n.endsWith('.use') && n !== '.use')
    } catch {
      looked.push({ where: `$_CONDOR_CREDS (${env._CONDOR_CREDS})`, outcome: 'cannot be listed' })
    }
    for (const name of names.sort()) {
      const path = join(env._CONDOR_CREDS, name)
      if (considerFile(path, path)) return
    }
  }
  // WLCG bearer token discovery: the first source present is the one used.
  if (env.BEARER_TOKEN !== undefined && env.BEARER_TOKEN.trim() !== '') {
    if (consider('$BEARER_TOKEN', env.BEARER_TOKEN)) return
  } else if (env.BEARER_TOKEN_FILE) {
    if (considerFile(`$BEARER_TOKEN_FILE (${env.BEARER_TOKEN_FILE})`, env.BEARER_TOKEN_FILE)) return
  } else {
    const uid = process.geteuid?.() ?? process.getuid?.()
    if (uid !== undefined) {
      const path = join(env.XDG_RUNTIME_DIR ? env.XDG_RUNTIME_DIR : '/tmp', `bt_u${uid}`)
      if (considerFile(path, path)) return
    }
  }
  const unset = ['$SCITOKEN', '$SCITOKEN_FILE', '$_CONDOR_CREDS', '$BEARER_TOKEN', '$BEARER_TOKEN_FILE']
    .filter((v) => !env[v.slice(1)])
    .join(', ')
  const details = looked.map((l) => `${l.where} ${l.outcome}`).join('; ')
  const code = looked.find((l) => l.code === TOKEN_ERROR_CODES.EXPIRED)?.code ?? looked.at(-1)?.code
  throw new KafkaTokenError(
    `No usable SciToken found (validateToken): ${details || 'nothing found'}` +
      `${unset ? ` (not set: ${unset})` : ''}. ${HTGETTOKEN_HINT}`,
    { code: code ?? TOKEN_ERROR_CODES.NOT_FOUND },
  )
}
