import { randomBytes } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ClientTestEnv, startClientTestEnv } from '../testing/client-test-env.js'
import { runCli } from '../testing/spawn-cli.js'

// `gracedb-kafka consume --write-files DIR` as a spawned process on the shared broker.
let t: ClientTestEnv

beforeAll(async () => {
  t = await startClientTestEnv('consume-files')
})
afterAll(async () => {
  await t?.stop()
})

const upload = (name: string, bytes: Buffer, graceid: string) =>
  JSON.stringify({
    type: 'upload',
    gracedb_server: t.gracedb.serviceUrl,
    graceid,
    submitter: 'testuser',
    pipeline: 'gstlal',
    gracedb_upload: true,
    skip_supervisor: true,
    labels: [],
    eventFile: [name, bytes.toString('base64')],
    _producer_timestamp: 1774900000.5,
  })

describe('gracedb-kafka consume --write-files', () => {
  it('writes each upload message’s event file, safely named, and skips the rest', async () => {
    const pipeline = `files${randomBytes(4).toString('hex')}`
    await t.kafka.createTopic(`localhost.${pipeline}`) // explicit: GraceDB's brokers do not auto-create
    const first = Buffer.concat([Buffer.from('<LIGO_LW>'), randomBytes(4096), Buffer.from('</LIGO_LW>')])
    const second = randomBytes(100)
    const values = [
      upload('../../outside/coinc.xml', first, 'G100'),
      JSON.stringify({
        type: 'ping',
        timestamp: 1774900000.5,
        client: 'ligo-gracedb',
        sub: null,
        scope: null,
      }),
      'plain text, not an upload',
      upload('coinc.xml', second, 'G101'),
    ]
    const p = await runCli(['produce', '--topic', pipeline, ...values], t.env)
    expect(p.code, p.stderr).toBe(0)

    const out = join(t.dir, 'events')
    const c = await runCli(
      ['consume', '--topics', pipeline, '--from-beginning', '--count', '4', '--write-files', out],
      t.env,
    )
    expect(c.code, c.stderr).toBe(0)
    const lines = c.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { offset: number; writtenTo?: string })
    expect(lines.map((l) => l.writtenTo)).toEqual([
      join(out, 'coinc.xml'),
      undefined,
      undefined,
      join(out, 'G101-coinc.xml'),
    ])
    expect((await readdir(out)).sort()).toEqual(['G101-coinc.xml', 'coinc.xml'])
    expect((await readdir(t.dir)).includes('outside')).toBe(false)
    expect((await readFile(join(out, 'coinc.xml'))).equals(first)).toBe(true)
    expect((await readFile(join(out, 'G101-coinc.xml'))).equals(second)).toBe(true)
    expect(c.stderr).toMatch(
      /offset 2 of localhost\.files[0-9a-f]+: no file written \(not an upload message\)/,
    )
    expect(c.stderr).not.toMatch(/offset 1 .*no file written/) // a ping is skipped silently
  })

  it('reads every message in order with buffer limits smaller than one message', async () => {
    const pipeline = `limits${randomBytes(4).toString('hex')}`
    await t.kafka.createTopic(`localhost.${pipeline}`)
    const values = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({ i, pad: randomBytes(600).toString('hex') }),
    )
    const p = await runCli(['produce', '--topic', pipeline, ...values], t.env)
    expect(p.code, p.stderr).toBe(0)
    const c = await runCli(
      [
        'consume',
        '--topics',
        pipeline,
        '--from-beginning',
        '--count',
        String(values.length),
        '--max-buffered-messages',
        '1',
        '--max-buffered-bytes',
        '1',
      ],
      t.env,
    )
    expect(c.code, c.stderr).toBe(0)
    const lines = c.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { offset: number; value: unknown })
    expect(lines.map((l) => l.offset)).toEqual(values.map((_, i) => i))
    expect(lines.map((l) => l.value)).toEqual(values.map((v) => JSON.parse(v)))
  })
})
