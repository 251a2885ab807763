import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type KafkaTestCluster, startKafka } from './cluster.js'
import { consume, listTopicsWith, produce, saslClient } from './fixtures/clients.js'
import { isAlive } from './jvm-process.js'

const here = dirname(fileURLToPath(import.meta.url))

/** Live processes (zombies excluded) whose command line mentions `text`, e.g. a cluster's temp directory. */
function processesMentioning(text: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text) && isAlive(Number(entry)))
        pids.push(Number(entry))
    } catch {
      // The process ended while we looked.
    }
  }
  return pids
}

describe('broker lifecycle', () => {
  describe('stopBroker / startBroker', () => {
    let kafka: KafkaTestCluster
    beforeAll(async () => {
      kafka = await startKafka({ log: () => {} })
      await kafka.createTopic('restart')
    })
    afterAll(async () => {
      await kafka?.stop()
    })

    it('keeps data and ports across a restart', async () => {
      const token = await kafka.issuer.mint()
      await produce(saslClient(kafka, token), 'restart', ['before'])
      const pidBefore = kafka.pid()!
      await kafka.stopBroker()
      expect(isAlive(pidBefore)).toBe(false)
      expect(kafka.pid()).toBeUndefined()
      await expect(listTopicsWith(saslClient(kafka, token, { retries: 0 }))).rejects.toThrow()

      await kafka.startBroker()
      expect(kafka.pid()).not.toBe(pidBefore)
      const client = saslClient(kafka, token)
      await produce(client, 'restart', ['after'])
      expect(await consume(client, 'restart', 2)).toEqual(['before', 'after'])
    })
  })

  it('a failed start throws with the tail of the broker log and leaves no JVM', async () => {
    // startKafka makes its temporary directory under os.tmpdir(), which follows TMPDIR: give this start a
    // private one, so its files and processes can be told apart from other brokers on the machine.
    const privateTmp = mkdtempSync(join(tmpdir(), 'testkit-failed-start-'))
    const savedTmp = process.env.TMPDIR
    process.env.TMPDIR = privateTmp
    try {
      const error = await startKafka({
        log: () => {},
        brokerConfig: { 'listener.name.sasl_ssl.ssl.keystore.location': '/nonexistent/testkit-keystore.pem' },
      }).catch((err: unknown) => err as Error)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toMatch(/exited during start/)
      expect((error as Error).message).toMatch(
        /Broker log tail:\n[\s\S]*\/nonexistent\/testkit-keystore\.pem/,
      )
      // The broker that exited was started from that directory: no file and no process of it is left.
      expect(readdirSync(privateTmp)).toEqual([])
      expect(processesMentioning(privateTmp)).toEqual([])
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = savedTmp
      rmSync(privateTmp, { recursive: true, force: true })
    }
  })

  it('kills the JVM and removes its files when the parent Node process is SIGKILLed', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=@gracedb-kafka/source', '--import', 'tsx', join(here, 'fixtures', 'orphan-parent.ts')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    const line = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8')
        if (out.includes('\n')) resolve(out.split('\n')[0]!)
      })
      child.on('exit', (code) => reject(new Error(`fixture exited early (${code})`)))
    })
    const { pid, logPath } = JSON.parse(line) as { pid: number; logPath: string }
    const root = dirname(dirname(logPath))
    expect(isAlive(pid)).toBe(true)
    expect(existsSync(root)).toBe(true)

    child.kill('SIGKILL')
    await expect.poll(() => isAlive(pid), { timeout: 10_000, interval: 100 }).toBe(false)
    await expect.poll(() => existsSync(root), { timeout: 10_000, interval: 100 }).toBe(false)
  })
})
