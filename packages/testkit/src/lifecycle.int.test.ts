import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type KafkaTestCluster, startKafka } from './cluster.js'
import { consume, listTopicsWith, produce, saslClient } from './fixtures/clients.js'

const here = dirname(fileURLToPath(import.meta.url))

/** True while `pid` is a live (non-zombie) process. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return false
  }
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
      expect(alive(pidBefore)).toBe(false)
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
    const error = await startKafka({
      log: () => {},
      brokerConfig: { 'listener.name.sasl_ssl.ssl.keystore.location': '/nonexistent/testkit-keystore.pem' },
    }).catch((err: unknown) => err as Error)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(/exited during start/)
    expect((error as Error).message).toMatch(/Broker log tail:\n[\s\S]*\/nonexistent\/testkit-keystore\.pem/)
  })

  it('kills the JVM and removes its files when the parent Node process is SIGKILLed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures', 'orphan-parent.ts')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
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
    expect(alive(pid)).toBe(true)
    expect(existsSync(root)).toBe(true)

    child.kill('SIGKILL')
    await expect.poll(() => alive(pid), { timeout: 10_000, interval: 100 }).toBe(false)
    await expect.poll(() => existsSync(root), { timeout: 10_000, interval: 100 }).toBe(false)
  })
})
