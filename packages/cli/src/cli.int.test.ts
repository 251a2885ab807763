import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ClientTestEnv, startClientTestEnv } from './testing/client-test-env.js'
import { runCli, startCli } from './testing/spawn-cli.js'

let t: ClientTestEnv
let kafka: ClientTestEnv['kafka']
let gracedb: ClientTestEnv['gracedb']
let dir: string
let token: string
let env: NodeJS.ProcessEnv
const unique = () => `cli${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

beforeAll(async () => {
  t = await startClientTestEnv('cli')
  ;({ kafka, gracedb, dir, token, env } = t)
})

afterAll(async () => {
  await t?.stop()
})

describe('gracedb-kafka as a spawned process', () => {
  it('topic derive / make / parse', async () => {
    expect(await runCli(['topic', 'derive', 'https://gracedb-dev.ligo.org/api/'], env)).toMatchObject({
      code: 0,
      stdout: 'gracedb-dev\n',
    })
    expect(await runCli(['topic', 'make', 'gracedb-dev', 'gstlal'], env)).toMatchObject({
      code: 0,
      stdout: 'gracedb-dev.gstlal\n',
    })
    expect(await runCli(['--json', 'topic', 'parse', 'gracedb-dev.gstlal'], env)).toMatchObject({
      code: 0,
      stdout: '{"instance":"gracedb-dev","pipeline":"gstlal"}\n',
    })
  })

  it('usage errors exit 2; --version exits 0', async () => {
    const bad = await runCli(['consume', '--count', 'x'], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/positive whole number/)
    const version = await runCli(['--version'], env)
    expect(version.code).toBe(0)
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })

  it('demo (npm start): five steps on its own local stack, ending with the graceid GraceDB stored', async () => {
    const r = await runCli(
      ['demo'],
      { PATH: env.PATH, HOME: env.HOME, XDG_RUNTIME_DIR: dir },
      { timeoutMs: 150_000 },
    )
    expect(r.code, r.stderr).toBe(0)
    for (const n of [1, 2, 3, 4, 5]) expect(r.stdout).toMatch(new RegExp(`^\\[${n}/5 `, 'm'))
    const graceid = r.stdout.match(/reserved and published (G\d+)/)?.[1]
    expect(graceid).toBeDefined()
    expect(r.stdout).toContain(`received ${graceid} from localhost.test`)
    expect(r.stdout).toMatch(
      new RegExp(`GraceDB stored ${graceid} \\(group Test, pipeline gstlal, arrived via kafka`),
    )
  })
})

describe('gracedb-kafka token', () => {
  it('shows where the token came from and its claims, never the token', async () => {
    const r = await runCli(['token', '--json'], env)
    expect(r.code).toBe(0)
    const summary = JSON.parse(r.stdout)
    expect(summary).toMatchObject({ source: join(dir, 'token'), sub: 'testuser', iss: kafka.issuer.issuer })
    expect(summary.scope).toContain('kafka.produce')
    expect(summary.expiresInSeconds).toBeGreaterThan(3000)
    expect(r.stdout + r.stderr).not.toContain(token)
    expect(r.stdout + r.stderr).not.toContain(token.split('.')[2])
  })

  it('checks a needed scope and audience', async () => {
    expect((await runCli(['token', '--scope', 'kafka.produce', '--audience', 'localhost'], env)).code).toBe(0)
    const r = await runCli(['token', '--scope', 'gracedb.write'], env)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/scope/)
    expect(r.stderr).toContain('htgettoken')
  })

  it('exits 1 with an htgettoken hint when no token exists', async () => {
    const r = await runCli(['token'], { ...env, BEARER_TOKEN_FILE: join(dir, 'missing') })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('htgettoken')
    expect(r.stderr.split('\n').filter((l) => l.startsWith('gracedb-kafka: error'))).toHaveLength(1)
  })
})

// The shared broker does not create topics on first use (as GraceDB's brokers): each test creates its own.
describe('gracedb-kafka ping / produce / consume', () => {
  it('ping prints the delivery', async () => {
    const r = await runCli(['--json', 'ping'], env)
    expect(r.code, r.stderr).toBe(0)
    const delivery = JSON.parse(r.stdout)
    expect(delivery).toMatchObject({ topic: 'localhost.test', message: { type: 'ping', sub: 'testuser' } })
    expect(typeof delivery.offset).toBe('number')
  })

  it('produce from arguments with key and headers; consume reads them back as JSON lines', async () => {
    const pipeline = unique()
    await kafka.createTopic(`localhost.${pipeline}`)
    const p = await runCli(
      [
        'produce',
        '--topic',
        pipeline,
        '--key',
        'G1',
        '--header',
        'source=cli',
        '--header',
        'n=1',
        '{"graceid":"G1"}',
        'plain text',
      ],
      env,
    )
    expect(p.code, p.stderr).toBe(0)
    expect(p.stdout).toMatch(new RegExp(`delivered 2 message\\(s\\) to localhost\\.${pipeline}`))
    const c = await runCli(['consume', '--topics', pipeline, '--from-beginning', '--count', '2'], env)
    expect(c.code, c.stderr).toBe(0)
    const lines = c.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({ topic: `localhost.${pipeline}`, key: 'G1', value: { graceid: 'G1' } })
    expect(lines[0].headers).toEqual({ source: 'cli', n: '1' })
    expect(lines[1]).toMatchObject({ key: 'G1', value: 'plain text' })
  })

  it('produce reads JSON lines from stdin; a bad line is named and earlier lines are not lost', async () => {
    const pipeline = unique()
    await kafka.createTopic(`localhost.${pipeline}`)
    const ok = await runCli(['--json', 'produce', '--topic', pipeline], env, {
      input: '{"n":1}\n\n{"n":2}\n',
    })
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout.trim().split('\n')).toHaveLength(2)
    const bad = await runCli(['produce', '--topic', pipeline], env, { input: '{"n":3}\nnot json\n{"n":4}\n' })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/line 2 is not valid JSON/)
    expect(bad.stdout).toMatch(/delivered 1 message/)
    const c = await runCli(['consume', '--topics', pipeline, '--from-beginning', '--count', '3'], env)
    expect(
      c.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).value),
    ).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
  })

  it('kafka:// URLs name the broker and topics', async () => {
    const pipeline = unique()
    await kafka.createTopic(`localhost.${pipeline}`)
    const { GRACEDB_KAFKA_BOOTSTRAP_SERVERS: _drop, ...noBroker } = env
    const url = `kafka://${kafka.bootstrapServers}/${pipeline}`
    const p = await runCli(['produce', '--topic', url, 'via-url'], noBroker)
    expect(p.code, p.stderr).toBe(0)
    const c = await runCli(['consume', '--topics', url, '--from-beginning', '--count', '1'], noBroker)
    expect(JSON.parse(c.stdout).value).toBe('via-url')
  })

  it('Ctrl-C stops consume cleanly and commits what was written', async () => {
    const pipeline = unique()
    const group = unique()
    await kafka.createTopic(`localhost.${pipeline}`, { partitions: 1 })
    const consumer = startCli(
      ['--verbose', 'consume', '--topics', pipeline, '--group-id', group, '--manual-commit'],
      env,
    )
    await consumer.waitFor(/consuming/, 30_000, 'stderr')
    // The group joins asynchronously: keep producing until the consumer has written a line.
    let n = 0
    await expect
      .poll(
        async () => {
          if (/"value"/.test(consumer.stdout())) return true
          expect((await runCli(['produce', '--topic', pipeline, `{"n":${n++}}`], env)).code).toBe(0)
          return /"value"/.test(consumer.stdout())
        },
        { timeout: 60_000, interval: 500, message: 'the consumer wrote no line' },
      )
      .toBe(true)
    consumer.child.kill('SIGINT')
    expect(await consumer.exited).toBe(0)
    const written = consumer
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).value.n as number)
    const last = written.at(-1) as number
    // Restarting the same group resumes right after the last line written: no repeat, nothing skipped.
    expect((await runCli(['produce', '--topic', pipeline, '{"n":"after"}'], env)).code).toBe(0)
    const again = await runCli(['consume', '--topics', pipeline, '--group-id', group, '--count', '1'], env)
    expect(again.code, again.stderr).toBe(0)
    const next = JSON.parse(again.stdout)
    expect(next.value).toEqual(last + 1 < n ? { n: last + 1 } : { n: 'after' })
  })
})

describe('gracedb-kafka create-event', () => {
  it('reserves, publishes and prints the graceid that GraceDB stores', async () => {
    const file = join(dir, 'coinc.xml')
    await writeFile(file, '<LIGO_LW>cli</LIGO_LW>\n')
    const r = await runCli(
      ['create-event', 'Test', 'gstlal', file, '--search', 'AllSky', '--label', 'INJ'],
      env,
    )
    expect(r.code, r.stderr).toBe(0)
    const graceid = r.stdout.trim()
    expect(graceid).toMatch(/^G\d+$/)
    const stored = await gracedb.waitForEvent(graceid)
    expect(stored).toMatchObject({
      graceid,
      group: 'Test',
      pipeline: 'gstlal',
      via: 'kafka',
      labels: ['INJ'],
    })
    expect(Buffer.from(stored.contents).equals(await readFile(file))).toBe(true)
  })

  it('--no-gracedb-upload publishes without a graceid', async () => {
    const file = join(dir, 'coinc2.xml')
    const marker = `<LIGO_LW>${unique()}</LIGO_LW>\n`
    await writeFile(file, marker)
    const before = gracedb.reservations.size
    const r = await runCli(['--json', 'create-event', 'Test', 'gstlal', file, '--no-gracedb-upload'], env)
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).graceid).toBeNull()
    expect(gracedb.reservations.size).toBe(before) // nothing reserved
    // ... but the event message was published: the supervisor saw it (and left it alone).
    const base64 = Buffer.from(marker).toString('base64')
    const seen = () =>
      gracedb.supervised.find((m) => (m.value as { eventFile?: string[] } | null)?.eventFile?.[1] === base64)
    await expect.poll(() => seen()?.outcome, { timeout: 15_000, interval: 100 }).toBe('gracedb_upload_false')
  })

  it('a missing file is one clear error line, exit 1', async () => {
    const r = await runCli(['create-event', 'Test', 'gstlal', join(dir, 'nope.xml')], env)
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/nope\.xml/)
  })

  it('an unknown group is a usage error (exit 2)', async () => {
    const file = join(dir, 'coinc3.xml')
    await writeFile(file, '<LIGO_LW/>\n')
    const r = await runCli(['create-event', 'NoSuchGroup', 'gstlal', file], env)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/group/)
  })
})

describe('gracedb-kafka dev', () => {
  it('starts the local stack, prints shell exports, and stops on Ctrl-C', async () => {
    const devEnv = { PATH: env.PATH, HOME: env.HOME, XDG_RUNTIME_DIR: dir }
    const p = startCli(['dev'], devEnv, { timeoutMs: 120_000 })
    await p.waitFor(/export BEARER_TOKEN_FILE=.*\n/, 90_000)
    const exports = Object.fromEntries(
      [...p.stdout().matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]),
    )
    expect(Object.keys(exports).sort()).toEqual([
      'BEARER_TOKEN_FILE',
      'GRACEDB_KAFKA_BOOTSTRAP_SERVERS',
      'GRACEDB_KAFKA_CA_CERT_PATH',
      'GRACEDB_SERVICE_URL',
    ])
    // The other commands work against it with exactly those settings.
    const ping = await runCli(['ping'], { ...devEnv, ...exports })
    expect(ping.code, ping.stderr).toBe(0)
    p.child.kill('SIGINT')
    expect(await p.exited).toBe(0)
    expect(p.stderr()).toMatch(/shutting down/)
  })
})
