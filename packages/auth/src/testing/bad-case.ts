// What the auth bad-input cases share: their shape, their scratch context and the helpers they build tokens with.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { TOKEN_ERROR_CODES, type TokenErrorCode } from '../codes.js'
import type { TokenRequest } from '../options.js'
import { btPath } from './tokens.js'

export const BROKER = 'kafka.example.org:9092'

export interface CaseContext {
  /** Scratch directory for files. */
  dir: string
  /** The XDG_RUNTIME_DIR every case uses (so the real /tmp/bt_u<euid> is never consulted). */
  xdg: string
  /** `$xdg/bt_u<euid>`. */
  bt: string
}

export interface BadCase {
  name: string
  setup(ctx: CaseContext): Promise<{ env?: NodeJS.ProcessEnv; req?: TokenRequest }>
  code: TokenErrorCode
  /** Expected `error.source`. */
  source: (ctx: CaseContext) => string
  /** Every pattern must match the message. */
  message: RegExp[]
}

export const now = (): number => Math.floor(Date.now() / 1000)
export const C: typeof TOKEN_ERROR_CODES = TOKEN_ERROR_CODES
export const strict = { fallback: false } as const

export function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path])
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`)
}

export function contextFor(dir: string): CaseContext {
  const xdg = join(dir, 'xdg')
  return { dir, xdg, bt: btPath(xdg) }
}
