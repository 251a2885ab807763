import { randomBytes } from 'node:crypto'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { registerCleanupDir } from './jvm-process.js'

/**
 * Write `content` to `path` atomically: a temporary file in the same directory, then a rename, so a reader
 * never sees a half-written token. Creates the directory; the file is mode 0600.
 *
 * @example
 * ```ts
 * await writeFileAtomic('/tmp/tok', token)
 * ```
 */
export async function writeFileAtomic(path: string, content: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`)
  await writeFile(tmp, content, { mode: 0o600 })
  await rename(tmp, path)
  return path
}

/** The effective uid used in `bt_u<uid>` file names (0 where the platform has no uids). */
export function effectiveUid(): number {
  return typeof process.geteuid === 'function' ? process.geteuid() : 0
}

/**
 * The WLCG bearer-token discovery file name in `dir`: `<dir>/bt_u<euid>`. Discovery looks there when `dir` is
 * `$XDG_RUNTIME_DIR` (or `/tmp`).
 *
 * @example
 * ```ts
 * bearerTokenPath('/run/user/1000') // '/run/user/1000/bt_u1000'
 * ```
 */
export function bearerTokenPath(dir: string, uid: number = effectiveUid()): string {
  return join(dir, `bt_u${uid}`)
}

/**
 * Atomically write `token` (plus a trailing newline, as token tools do) where WLCG bearer-token discovery
 * finds it in `dir`, i.e. `<dir>/bt_u<euid>`. Point discovery at it with `XDG_RUNTIME_DIR=dir`.
 *
 * @example
 * ```ts
 * const dir = await mkdtemp(join(tmpdir(), 'xdg-'))
 * await writeBearerTokenFile(token, dir)
 * process.env.XDG_RUNTIME_DIR = dir
 * ```
 */
export async function writeBearerTokenFile(token: string, dir: string, uid?: number): Promise<string> {
  return writeFileAtomic(bearerTokenPath(dir, uid), `${token}\n`)
}

/**
 * A fresh path for a token file in a per-process temporary directory that is removed when the process exits.
 *
 * @example
 * ```ts
 * await writeFileAtomic(defaultTokenPath(), token)
 * ```
 */
export function defaultTokenPath(): string {
  const dir = join(tmpdir(), `gracedb-kafka-tokens-${process.pid}`)
  registerCleanupDir(dir)
  return join(dir, `token-${randomBytes(6).toString('hex')}`)
}
