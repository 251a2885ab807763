import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type KafkaTestCluster, startKafka } from './cluster.js'
import { consume, produce, saslClient } from './fixtures/clients.js'
import { isAlive } from './jvm-process.js'

const here = dirname(fileURLToPath(import.meta.url))

/** Run the stop-script fixture in a plain Node process (tsx, source condition) and collect its output. */
function runStopScript(brokers: number): Promise<{ code: number | null; lines: unknown[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@gracedb-kafka/source',
        join(here, 'fixtures', 'stop-script.ts'),
        `${brokers}`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      const lines = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as unknown)
      resolve({ code, lines })
    })
  })
}

describe('stop() in a plain Node script', () => {
  it.each([1, 3])(
    'resolves for %i broker(s): the script runs past it and exits 0, no JVM left',
    async (n) => {
      const { code, lines } = await runStopScript(n)
      expect(code).toBe(0)
      const [started, stopped] = lines as [{ pids: number[] }, { stopped: boolean; pids: (number | null)[] }]
      expect(started.pids).toHaveLength(n)
      expect(stopped).toEqual({ stopped: true, pids: Array(n).fill(null) })
      for (const pid of started.pids) expect(isAlive(pid)).toBe(false)
    },
  )
})

describe('3-broker fault controls', () => {
  let kafka: KafkaTestCluster
  beforeAll(async () => {
    kafka = await startKafka({ brokers: 3, log: () => {} })
    await kafka.createTopic('control', { partitions: 3, config: { 'min.insync.replicas': '2' } })
  }, 120_000)
  afterAll(async () => {
    await kafka?.stop()
  })

  it('leaderOf names a live broker per partition; killing it moves leadership', async () => {
    const leaders = await Promise.all([0, 1, 2].map((p) => kafka.leaderOf('control', p)))
    for (const l of leaders) expect([0, 1, 2]).toContain(l)
    const victim = leaders[0]!
    const pid = kafka.pid(victim)!
    await kafka.kill(victim)
    expect(isAlive(pid)).toBe(false)
    expect(kafka.pid(victim)).toBeUndefined()
    await expect
      .poll(() => kafka.leaderOf('control', 0), { timeout: 30_000, interval: 250 })
      .toSatisfy((l) => l !== undefined && l !== victim)
    await kafka.restart(victim)
    expect(kafka.pid(victim)).toBeGreaterThan(0)
  })

  it('kill + restart keeps the broker data directory: the restarted broker still holds what it had', async () => {
    const token = await kafka.issuer.mint()
    const client = saslClient(kafka, token, { retries: 8 })
    await kafka.createTopic('survives', { partitions: 1 })
    await produce(client, 'survives', ['record-before-kill-1', 'record-before-kill-2'])
    const leader = (await kafka.leaderOf('survives', 0))!
    const segment = join(dirname(kafka.logPath(leader)), 'data', 'survives-0', '00000000000000000000.log')
    await kafka.kill(leader)
    await kafka.restart(leader)
    // Same node id and cluster: the KRaft metadata survived (a reformatted node could not rejoin).
    await expect.poll(() => kafka.leaderOf('survives', 0), { timeout: 30_000 }).toBeDefined()
    const onDisk = readFileSync(segment, 'latin1')
    expect(onDisk).toContain('record-before-kill-1')
    expect(onDisk).toContain('record-before-kill-2')
    await produce(client, 'survives', ['after'])
    expect(await consume(client, 'survives', 3, 60_000)).toEqual([
      'record-before-kill-1',
      'record-before-kill-2',
      'after',
    ])
  })

  it('coordinatorOf names the group coordinator; killing it moves the group elsewhere', async () => {
    const group = `control-group-${Date.now()}`
    const coordinator = await kafka.coordinatorOf(group)
    expect([0, 1, 2]).toContain(coordinator)
    await kafka.kill(coordinator, 'SIGKILL')
    await expect
      .poll(() => kafka.coordinatorOf(group).catch(() => -1), { timeout: 60_000, interval: 500 })
      .toSatisfy((c) => c >= 0 && c !== coordinator)
    await kafka.restart(coordinator)
  })
})
