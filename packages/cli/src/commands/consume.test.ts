import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ConsumerMessage, GraceDbKafkaConsumer, parseConsumerOptions } from '@gracedb-kafka/consumer'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { run } from '../program.js'
import { resolveConnection } from '../settings.js'
import { memoryStreams } from '../testing/test-streams.js'
import { consumerOptions, safeFileName, writeEventFile } from './consume.js'

let root: string
let dir: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'gk-consume-files-'))
  dir = join(root, 'out')
  await mkdir(dir)
})
afterEach(() => rm(root, { recursive: true, force: true }))

const bytes = Buffer.from([0, 1, 2, 0xff, ...Buffer.from('<LIGO_LW/>')])
let offset = 0
function message(value: unknown): ConsumerMessage {
  return {
    topic: 'gracedb-dev.gstlal',
    partition: 0,
    offset: offset++,
    key: null,
    value,
    timestamp: 0,
    headers: null,
  }
}
const upload = (name: string, data: string = bytes.toString('base64'), graceid: string | null = 'G123') => ({
  type: 'upload',
  gracedb_server: 'https://gracedb-dev.ligo.org/api/',
  graceid,
  pipeline: 'gstlal',
  gracedb_upload: true,
  eventFile: [name, data],
})

describe('safeFileName', () => {
  it.each([
    ['coinc.xml', 'coinc.xml'],
    ['../../etc/passwd', 'passwd'],
    ['/abs/path/coinc.xml', 'coinc.xml'],
    ['..\\..\\windows\\evil.dll', 'evil.dll'],
    ['..', 'event-file'],
    ['.', 'event-file'],
    ['dir/', 'event-file'],
    ['', 'event-file'],
    ['a\u0000b\nc.xml', 'abc.xml'],
  ])('%j → %j', (name, expected) => {
    expect(safeFileName(name)).toBe(expected)
  })

  it('caps the length', () => {
    expect(safeFileName(`${'x'.repeat(500)}.xml`)).toHaveLength(200)
  })
})

describe('writeEventFile', () => {
  it('writes the decoded bytes under the message file name', async () => {
    const r = await writeEventFile(dir, message(upload('coinc.xml')))
    expect(r).toEqual({ written: join(dir, 'coinc.xml'), graceid: 'G123' })
    expect((await readFile(join(dir, 'coinc.xml'))).equals(bytes)).toBe(true)
  })

  it('a traversal name stays inside the directory', async () => {
    const r = await writeEventFile(dir, message(upload('../../escape.xml')))
    expect(r).toMatchObject({ written: join(dir, 'escape.xml') })
    expect(await readdir(root)).toEqual(['out'])
  })

  it('never overwrites: a second coinc.xml gets the graceid, a third the topic, partition and offset', async () => {
    await writeEventFile(dir, message(upload('coinc.xml', Buffer.from('one').toString('base64'), 'G1')))
    await writeEventFile(dir, message(upload('coinc.xml', Buffer.from('two').toString('base64'), 'G1')))
    const third = message(upload('coinc.xml', Buffer.from('three').toString('base64'), 'G1'))
    await writeEventFile(dir, third)
    expect((await readdir(dir)).sort()).toEqual(
      ['G1-coinc.xml', 'coinc.xml', `gracedb-dev.gstlal-0-${third.offset}-coinc.xml`].sort(),
    )
    expect(await readFile(join(dir, 'coinc.xml'), 'utf8')).toBe('one')
    expect(await readFile(join(dir, 'G1-coinc.xml'), 'utf8')).toBe('two')
  })

  it('never follows a symlink planted under the target name', async () => {
    const outside = join(root, 'outside.txt')
    await writeFile(outside, 'keep me')
    await symlink(outside, join(dir, 'coinc.xml'))
    const r = await writeEventFile(dir, message(upload('coinc.xml')))
    expect(r).toMatchObject({ written: join(dir, 'G123-coinc.xml') })
    expect(await readFile(outside, 'utf8')).toBe('keep me')
  })

  it('skips pings, non-upload messages (naming the field) and a non-base64 file', async () => {
    expect(await writeEventFile(dir, message({ type: 'ping', timestamp: 1, client: 'x' }))).toEqual({
      skipped: 'ping',
    })
    expect(await writeEventFile(dir, message('plain text'))).toEqual({
      skipped: 'not an upload message',
      field: '',
    })
    expect(await writeEventFile(dir, message({ ...upload('a.xml'), eventFile: ['a.xml'] }))).toEqual({
      skipped: 'not an upload message',
      field: 'eventFile',
    })
    expect(await writeEventFile(dir, message(upload('a.xml', 'not base64!')))).toEqual({
      skipped: 'eventFile is not base64',
      field: 'eventFile.1',
    })
    expect(await readdir(dir)).toEqual([])
  })
})

describe('consumerOptions', () => {
  const connection = resolveConnection(
    { bootstrapServers: 'kafka.example.org:9092', instanceName: 'gracedb-dev' },
    {},
    [],
  )

  it('passes --max-buffered-messages and --max-buffered-bytes to the consumer, which accepts them', async () => {
    const opts = consumerOptions(connection, ['gstlal'], {
      timeout: 1,
      maxBufferedMessages: 10,
      maxBufferedBytes: 8 * 1024 * 1024,
    })
    expect(opts).toMatchObject({ topics: ['gstlal'], maxBufferedMessages: 10, maxBufferedBytes: 8388608 })
    // The consumer validates its options when it is constructed (it connects only on first use).
    await using consumer = new GraceDbKafkaConsumer(opts)
    expect(consumer.bufferedBytes).toBe(0)
  })

  it('leaves the consumer defaults alone when the flags are not given', () => {
    const opts = consumerOptions(connection, ['gstlal'], {
      timeout: 1,
      fromBeginning: true,
      manualCommit: true,
    })
    expect(opts).not.toHaveProperty('maxBufferedMessages')
    expect(opts).not.toHaveProperty('maxBufferedBytes')
    expect(opts).toMatchObject({ autoOffsetReset: 'earliest', autoCommit: false, reloadCred: true })
  })

  it("consume --help states the consumer's own defaults for both limits", async () => {
    // The help text is written out (so --help loads no client); this keeps it in step with the consumer.
    const defaults = parseConsumerOptions(consumerOptions(connection, ['gstlal'], { timeout: 1 }))
    const streams = memoryStreams()
    expect(await run(['consume', '--help'], { streams, env: {} })).toBe(0)
    const help = streams.out().replace(/\s+/g, ' ')
    expect(help).toContain(
      `messages fetched ahead of the output at most (default: ${defaults.maxBufferedMessages})`,
    )
    expect(help).toContain(
      `at most (default: ${defaults.maxBufferedBytes}, ${defaults.maxBufferedBytes / 2 ** 20} MiB)`,
    )
  })
})
