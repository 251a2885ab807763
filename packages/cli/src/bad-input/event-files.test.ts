// Event files that are not regular files are refused before a byte is read (a FIFO with no writer used to hang
// createEvent); missing and empty files are typed errors too.
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GraceDb, GraceDbFileError, readEventFile } from '@gracedb-kafka/rest'
import { type GraceDbStandIn, startGraceDbStandIn } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

let dir: string
let gracedb: GraceDbStandIn
beforeAll(async () => {
  gracedb = await startGraceDbStandIn({ requireAuth: false })
  dir = await mkdtemp(join(tmpdir(), 'gk-event-files-'))
  const fifo = spawnSync('mkfifo', [join(dir, 'fifo')])
  if (fifo.status !== 0) throw new Error('mkfifo failed')
  await mkdir(join(dir, 'a-directory'))
  await symlink(join(dir, 'fifo'), join(dir, 'link-to-fifo'))
  await symlink(join(dir, 'nowhere'), join(dir, 'dangling-link'))
  await writeFile(join(dir, 'empty.xml'), '')
  await writeFile(join(dir, 'plain'), 'x')
})
afterAll(async () => {
  await gracedb?.stop()
  await rm(dir, { recursive: true, force: true })
})

const CASES: Array<[string, () => string, string, RegExp]> = [
  [
    'a FIFO with no writer',
    () => join(dir, 'fifo'),
    'ERR_GRACEDB_FILE_UNREADABLE',
    /is a FIFO, not a regular file/,
  ],
  ['a symlink to a FIFO', () => join(dir, 'link-to-fifo'), 'ERR_GRACEDB_FILE_UNREADABLE', /is a FIFO/],
  ['a directory', () => join(dir, 'a-directory'), 'ERR_GRACEDB_FILE_UNREADABLE', /./],
  ['a character device', () => '/dev/zero', 'ERR_GRACEDB_FILE_UNREADABLE', /is a character device/],
  ['/dev/null', () => '/dev/null', 'ERR_GRACEDB_FILE_UNREADABLE', /is a character device/],
  ['a missing file', () => join(dir, 'missing.xml'), 'ERR_GRACEDB_FILE_MISSING', /does not exist/],
  ['a dangling symlink', () => join(dir, 'dangling-link'), 'ERR_GRACEDB_FILE_MISSING', /does not exist/],
  ['below a regular file', () => join(dir, 'plain', 'x.xml'), 'ERR_GRACEDB_FILE_MISSING', /does not exist/],
  ['an empty file', () => join(dir, 'empty.xml'), 'ERR_GRACEDB_FILE_EMPTY', /is empty/],
]

describe('readEventFile', () => {
  it.each(CASES)('%s', async (_name, path, code, message) => {
    const err = await readEventFile(path()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(GraceDbFileError)
    expect((err as GraceDbFileError).code).toBe(code)
    expect((err as GraceDbFileError).path).toBe(path())
    expect((err as Error).message).toMatch(message)
  })
})

describe('createEvent over HTTP refuses the file, and creates nothing', () => {
  it.each(CASES)('%s', async (_name, path, code) => {
    const client = new GraceDb(gracedb.serviceUrl, { forceNoauth: true, retries: 0, requestTimeout: 5 })
    const before = gracedb.requests.filter((r) => r.method === 'POST').length
    try {
      const err = await client
        .createEvent('Test', 'gstlal', path(), { search: 'AllSky' })
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(GraceDbFileError)
      expect((err as GraceDbFileError).code).toBe(code)
      expect(gracedb.requests.filter((r) => r.method === 'POST')).toHaveLength(before)
    } finally {
      await client.close()
    }
  })
})
