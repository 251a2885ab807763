import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InvalidOptionError } from '@gracedb-kafka/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GraceDbFileError } from './errors.js'
import { readEventFile } from './event-file.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gk-rest-file-'))
  await writeFile(join(dir, 'coinc.xml'), '<LIGO_LW/>')
  await writeFile(join(dir, 'empty.xml'), '')
  await mkdir(join(dir, 'a-directory.xml'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function problem(p: Promise<unknown>): Promise<GraceDbFileError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(GraceDbFileError)
  return err as GraceDbFileError
}

describe('readEventFile', () => {
  it('reads a file from disk, keeping the name as given', async () => {
    const f = await readEventFile(join(dir, 'coinc.xml'))
    expect(new TextDecoder().decode(f.bytes)).toBe('<LIGO_LW/>')
    expect(f.filename).toBe(join(dir, 'coinc.xml'))
  })

  it('reads small and large files (the large one off the event loop) byte for byte', async () => {
    for (const size of [1, 4095, 4096, 65_537, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 7 + size) % 251)
      const path = join(dir, `sized-${size}.bin`)
      await writeFile(path, bytes)
      const f = await readEventFile(path)
      expect(f.bytes.byteLength).toBe(size)
      expect(Buffer.compare(Buffer.from(f.bytes), Buffer.from(bytes))).toBe(0)
    }
  })

  it('uses filecontents (text as UTF-8) and only takes the name from filename', async () => {
    const f = await readEventFile('does-not-exist.xml', 'é')
    expect([...f.bytes]).toEqual([0xc3, 0xa9])
    expect(f.filename).toBe('does-not-exist.xml')
  })

  it('a missing file is ERR_GRACEDB_FILE_MISSING', async () => {
    const err = await problem(readEventFile(join(dir, 'nope.xml')))
    expect(err.reason).toBe('missing')
    expect(err.code).toBe('ERR_GRACEDB_FILE_MISSING')
    expect(err.message).toContain('nope.xml')
  })

  it('an unreadable file (a directory) is ERR_GRACEDB_FILE_UNREADABLE', async () => {
    const err = await problem(readEventFile(join(dir, 'a-directory.xml')))
    expect(err.reason).toBe('unreadable')
    expect(err.code).toBe('ERR_GRACEDB_FILE_UNREADABLE')
  })

  it('an empty file is ERR_GRACEDB_FILE_EMPTY', async () => {
    const err = await problem(readEventFile(join(dir, 'empty.xml')))
    expect(err.reason).toBe('empty')
    expect(err.code).toBe('ERR_GRACEDB_FILE_EMPTY')
  })

  it('a filename with empty filecontents is ERR_GRACEDB_FILE_NO_CONTENTS', async () => {
    const err = await problem(readEventFile('coinc.xml', ''))
    expect(err.reason).toBe('no-contents')
    expect(err.code).toBe('ERR_GRACEDB_FILE_NO_CONTENTS')
    const bytesErr = await problem(readEventFile('coinc.xml', new Uint8Array(0)))
    expect(bytesErr.reason).toBe('no-contents')
  })

  it('an empty filename is an InvalidOptionError naming "filename"', async () => {
    const err = await readEventFile('').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidOptionError)
    expect((err as InvalidOptionError).option).toBe('filename')
  })
})
