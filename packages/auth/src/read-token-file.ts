import { constants } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { registerSecret } from '@gracedb-kafka/core'
import { TOKEN_ERROR_CODES, TOKEN_SECRET, type TokenErrorCode } from './codes.js'

/** Bigger than any real SciToken (a few KiB); a file this large is refused without being read whole. */
export const MAX_TOKEN_FILE_BYTES: number = 1024 * 1024

/**
 * The outcome of reading a candidate token file. `present` says whether the WLCG discovery would stop at this
 * path: it does when the path is a regular file (Python's `os.path.isfile`), even if that file then turns out to
 * be empty or unreadable.
 */
export type TokenFileResult =
  | { ok: true; present: true; text: string }
  | { ok: false; present: boolean; code: TokenErrorCode; reason: string }

function fail(present: boolean, code: TokenErrorCode, reason: string): TokenFileResult {
  return { ok: false, present, code, reason }
}

function errnoOf(err: unknown): string {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    ? (err as { code: string }).code
    : 'EIO'
}

async function isRegularFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

function fileKind(s: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean }): string {
  if (s.isFIFO()) return 'a FIFO'
  if (s.isSocket()) return 'a socket'
  if (s.isCharacterDevice()) return 'a character device'
  return 'a block device'
}

/**
 * Read a token file safely: open without blocking (a FIFO must not hang discovery), check through the open
 * handle that it is a regular file of sane size, read it and trim surrounding whitespace. Never throws. Reasons
 * name the errno, never the file's content; OS errors are not kept because their text quotes the path.
 */
export async function readTokenFile(path: string): Promise<TokenFileResult> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (err) {
    const errno = errnoOf(err)
    switch (errno) {
      case 'ENOENT':
        return fail(false, TOKEN_ERROR_CODES.NOT_FOUND, 'does not exist')
      case 'EISDIR':
        return fail(false, TOKEN_ERROR_CODES.IS_DIRECTORY, 'is a directory, expected a file')
      case 'ENOTDIR':
        return fail(
          false,
          TOKEN_ERROR_CODES.UNREADABLE,
          'cannot be read: a parent is not a directory (ENOTDIR)',
        )
      case 'ELOOP':
        return fail(false, TOKEN_ERROR_CODES.UNREADABLE, 'cannot be read: too many symbolic links (ELOOP)')
      case 'EACCES':
      case 'EPERM':
        return fail(
          await isRegularFile(path),
          TOKEN_ERROR_CODES.UNREADABLE,
          `cannot be read: permission denied (${errno})`,
        )
      default:
        return fail(await isRegularFile(path), TOKEN_ERROR_CODES.UNREADABLE, `cannot be read (${errno})`)
    }
  }
  try {
    const info = await handle.stat()
    if (info.isDirectory())
      return fail(false, TOKEN_ERROR_CODES.IS_DIRECTORY, 'is a directory, expected a file')
    if (!info.isFile()) {
      return fail(
        false,
        TOKEN_ERROR_CODES.UNREADABLE,
        `cannot be read: it is ${fileKind(info)}, not a regular file`,
      )
    }
    if (info.size > MAX_TOKEN_FILE_BYTES) {
      return fail(true, TOKEN_ERROR_CODES.MALFORMED, `is ${info.size} bytes, far too large to be a token`)
    }
    let text: string
    try {
      text = (await handle.readFile({ encoding: 'utf8' })).trim()
    } catch (err) {
      return fail(true, TOKEN_ERROR_CODES.UNREADABLE, `cannot be read (${errnoOf(err)})`)
    }
    if (text === '') return fail(true, TOKEN_ERROR_CODES.EMPTY, 'is empty')
    registerSecret(text, TOKEN_SECRET)
    return { ok: true, present: true, text }
  } finally {
    await handle.close().catch(() => {})
  }
}
