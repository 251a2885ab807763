import { readFile } from 'node:fs/promises'
import { InvalidOptionError } from '@gracedb-kafka/core'
import { GraceDbFileError } from './errors.js'

/** Event file contents as a caller may pass them. */
export type FileContents = string | Uint8Array | ArrayBuffer | Blob

/** An event file ready to upload. */
export interface EventFile {
  /** The name the file is stored under on the server. */
  filename: string
  /** The raw bytes. */
  bytes: Uint8Array
}

/**
 * Resolve the event file for an upload: `filecontents` if given (text is UTF-8 encoded; `filename` only names
 * it), `'-'` reads standard input (stored as `initial.data`, as in the reference), else the file at `filename`.
 * Throws {@link GraceDbFileError} for a missing, unreadable or empty file, or empty `filecontents`, and
 * `InvalidOptionError` for an empty filename.
 *
 * @example
 * ```ts
 * const { filename, bytes } = await readEventFile('coinc.xml')
 * const inline = await readEventFile('coinc.xml', '<LIGO_LW/>')
 * ```
 */
export async function readEventFile(filename: string, filecontents?: FileContents): Promise<EventFile> {
  if (typeof filename !== 'string' || filename.length === 0) {
    throw new InvalidOptionError(
      'filename',
      'filename must be a non-empty string (a path, or a name for filecontents)',
    )
  }
  if (filecontents !== undefined) {
    const bytes = await toBytes(filecontents)
    if (bytes.byteLength === 0) {
      throw new GraceDbFileError(`filecontents for "${filename}" is empty; GraceDB needs the event data`, {
        reason: 'no-contents',
        path: filename,
      })
    }
    return { filename, bytes }
  }
  if (filename === '-') {
    const bytes = await readStdin()
    if (bytes.byteLength === 0) {
      throw new GraceDbFileError('standard input was empty; GraceDB needs the event data', {
        reason: 'empty',
        path: '-',
      })
    }
    return { filename: 'initial.data', bytes }
  }
  let bytes: Uint8Array
  try {
    bytes = await readFile(filename)
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new GraceDbFileError(`event file "${filename}" does not exist`, {
        reason: 'missing',
        path: filename,
        cause: err,
      })
    }
    throw new GraceDbFileError(`event file "${filename}" cannot be read (${code ?? 'error'})`, {
      reason: 'unreadable',
      path: filename,
      cause: err,
    })
  }
  if (bytes.byteLength === 0) {
    throw new GraceDbFileError(`event file "${filename}" is empty`, { reason: 'empty', path: filename })
  }
  return { filename, bytes }
}

async function toBytes(contents: FileContents): Promise<Uint8Array> {
  if (typeof contents === 'string') return new TextEncoder().encode(contents)
  if (contents instanceof Uint8Array) return contents
  if (contents instanceof ArrayBuffer) return new Uint8Array(contents)
  if (typeof Blob !== 'undefined' && contents instanceof Blob)
    return new Uint8Array(await contents.arrayBuffer())
  throw new InvalidOptionError(
    'filecontents',
    'filecontents must be a string, Uint8Array, ArrayBuffer or Blob',
  )
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks)
}
