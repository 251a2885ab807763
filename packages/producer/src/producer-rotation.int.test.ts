import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { GraceDbKafkaProducer } from './producer.js'
import { readBack } from './testing/read-back.js'

// Long test with its own broker: the broker forces re-authentication every 5 s, and tokens that live 20 s
// are rotated on disk every 10 s. A producer that does not pick up the rotated token fails within 20 s.
let kafka: KafkaTestCluster
let dir: string
const savedEnv = { ...process.env }

beforeAll(async () => {
  kafka = await startKafka({ reauthMs: 5_000 })
  dir = mkdtempSync(join(tmpdir(), 'producer-rotation-'))
})

afterAll(async () => {
  process.env = savedEnv
  await kafka?.stop()
  rmSync(dir, { recursive: true, force: true })
})

it('produces continuously for 60 s across token rotations and forced re-authentication: zero errors, nothing lost', async () => {
  const path = join(dir, 'token')
  const rotation = kafka.issuer.rotate({ path, every: 10, lifetime: 20, claims: { sub: 'rotating' } })
  try {
    await rotation.ready
    process.env.BEARER_TOKEN_FILE = path
    const topic = 'rotation'
    await using producer = new GraceDbKafkaProducer({
      bootstrapServers: kafka.bootstrapServers,
      caCertPath: kafka.caCertPath,
      instanceName: 'gracedb-rot',
      topic,
      reloadBuffer: 15, // re-read the token once it has less than 15 s left (it lives 20 s)
    })
    await kafka.createTopic(`gracedb-rot.${topic}`, { partitions: 1 })
    const errors: unknown[] = []
    let sent = 0
    const until = Date.now() + 60_000
    while (Date.now() < until) {
      producer.produce({ n: sent }, { onDelivery: (err) => err && errors.push(err) })
      sent++
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(await producer.flush(60)).toBe(0)
    const kinds = [
      ...new Set(
        errors.map((e) => `${(e as Error).name} ${(e as { code?: string }).code}: ${(e as Error).message}`),
      ),
    ]
    expect(kinds.slice(0, 5)).toEqual([]) // zero errors (the first distinct ones shown if not)
    expect(rotation.count).toBeGreaterThanOrEqual(6)
    const read = await readBack(kafka.plaintextBootstrapServers, `gracedb-rot.${topic}`, sent)
    const ns = new Set(read.map((m) => JSON.parse(m.value!.toString()).n as number))
    expect(read).toHaveLength(sent)
    expect(ns.size).toBe(sent)
    console.info(`token rotation: ${sent} messages over 60 s, ${rotation.count} tokens written, 0 errors`)
  } finally {
    rotation.stop()
  }
})
