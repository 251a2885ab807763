import { describe, expect, it } from 'vitest'
import { run } from './program.js'
import { memoryStreams } from './testing/test-streams.js'

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const streams = memoryStreams()
  const code = await run(args, { streams, env })
  return { code, stdout: streams.out(), stderr: streams.err() }
}

describe('gracedb-kafka (in-process)', () => {
  it('topic derive / make / parse follow the spec examples', async () => {
    expect(await cli(['topic', 'derive', 'https://gracedb-dev.ligo.org/api/'])).toMatchObject({
      code: 0,
      stdout: 'gracedb-dev\n',
    })
    expect(await cli(['topic', 'make', 'gracedb-dev', 'gstlal'])).toMatchObject({
      code: 0,
      stdout: 'gracedb-dev.gstlal\n',
    })
    expect(await cli(['topic', 'parse', 'gracedb-dev.gstlal'])).toMatchObject({
      code: 0,
      stdout: 'gracedb-dev gstlal\n',
    })
    expect(await cli(['--json', 'topic', 'parse', 'gracedb-dev.gstlal'])).toMatchObject({
      code: 0,
      stdout: '{"instance":"gracedb-dev","pipeline":"gstlal"}\n',
    })
  })

  it('a bad topic is a usage error on one line', async () => {
    const r = await cli(['topic', 'parse', 'nodot'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^gracedb-kafka: error: .*nodot/)
  })

  it('--version and --help exit 0', async () => {
    const v = await cli(['--version'])
    expect(v.code).toBe(0)
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+/)
    for (const args of [
      ['--help'],
      ['produce', '--help'],
      ['consume', '--help'],
      ['create-event', '--help'],
      ['topic', 'make', '--help'],
    ]) {
      const h = await cli(args)
      expect(h.code, args.join(' ')).toBe(0)
      expect(h.stdout).toContain('Usage: gracedb-kafka')
    }
  })

  it.each([
    [['no-such-command'], /unknown command/],
    [['topic', 'make', 'only-one'], /missing required argument/],
    [['consume', '--count', 'abc', '--topics', 't'], /positive whole number/],
    [['ping', '--timeout', '-3'], /--timeout/],
    [['--bogus'], /unknown option/],
    [['ping', '--instance-name', 'x'], /no Kafka broker/],
    [['ping', '--bootstrap-servers', 'h:1'], /no GraceDB instance/],
    [['produce', '--bootstrap-servers', 'h:1', '--instance-name', 'x', 'v'], /no topic/],
    [
      [
        'produce',
        '--bootstrap-servers',
        'h:1',
        '--instance-name',
        'x',
        '--topic',
        't',
        '--header',
        'novalue',
        'v',
      ],
      /key=value/,
    ],
    [['consume', '--bootstrap-servers', 'h:1', '--instance-name', 'x'], /no topics/],
    [['create-event', 'Test', 'gstlal', 'f.xml'], /service URL/],
  ])('usage error %j exits 2', async (args, message) => {
    const r = await cli(args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
  })
})
