import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { DeliveryReport } from './delivery-ledger.js'
import { GraceDbKafkaProducer } from './producer.js'
import { readBack } from './testing/read-back.js'

// Messages produced in one synchronous loop reach their partitions' lanes inside produce() once a batch is full
// (early-dispatch.ts), and each full batch is compressed while the loop goes on (compress-ahead.ts). What a
// caller sees must not change: every message once, in produce order per partition, at the offset reported.
let kafka: SharedKafka
let dir: string
const savedEnv = { ...process.env }

beforeAll(async () => {
  kafka = await sharedKafka()
  dir = mkdtempSync(join(tmpdir(), 'producer-burst-'))
  process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(
    await kafka.issuer.mint({ sub: 'producer-burst' }),
    join(dir, 'token'),
  )
})

afterAll(() => {
  process.env = savedEnv
  if (dir) rmSync(dir, { recursive: true, force: true })
})

it.each(['zstd', 'lz4', 'gzip'] as const)(
  'a burst produced in one synchronous loop (%s, keyed and keyless, 3 partitions) arrives once each, in order, at the offsets reported',
  async (compression) => {
    const instanceName = `burst-${randomBytes(4).toString('hex')}`
    await using producer = new GraceDbKafkaProducer({
      bootstrapServers: kafka.bootstrapServers,
      caCertPath: kafka.caCertPath,
      instanceName,
      topic: 'burst',
      compression,
      kafkaConfig: { 'batch.num.messages': 40 },
    })
    const topic = `${instanceName}.burst`
    await kafka.createTopic(topic, { partitions: 3 })
    await producer.produce({ seq: -1 }) // connected, partitions known: later full batches leave inside produce()
    const count = 4_000
    const reports: Array<Promise<DeliveryReport>> = []
    for (let i = 0; i < count; i++) {
      const value = { seq: i, pad: randomBytes(40).toString('hex') }
      reports.push(producer.produce(value, i % 5 === 0 ? { key: `key-${i % 11}` } : undefined))
    }
    expect(await producer.flush(60)).toBe(0)
    const delivered = await Promise.all(reports)

    const read = (await readBack(kafka.plaintextBootstrapServers, topic, count + 1)).filter(
      (m) => (JSON.parse(String(m.value)) as { seq: number }).seq >= 0,
    )
    expect(read).toHaveLength(count) // nothing lost, nothing twice
    const seqs = read.map((m) => (JSON.parse(String(m.value)) as { seq: number }).seq)
    expect(new Set(seqs).size).toBe(count)
    for (const partition of [0, 1, 2]) {
      const inPartition = read.filter((m) => m.partition === partition)
      const order = inPartition.map((m) => (JSON.parse(String(m.value)) as { seq: number }).seq)
      expect(order).toEqual([...order].sort((a, b) => a - b)) // produce order within the partition
      expect(inPartition.length).toBeGreaterThan(0)
    }
    const at = new Map(read.map((m) => [`${m.partition}:${m.offset}`, m]))
    for (const [i, report] of delivered.entries()) {
      const stored = at.get(`${report.partition}:${report.offset}`)
      expect(JSON.parse(String(stored?.value)) as { seq: number }).toMatchObject({ seq: i })
    }
    // Keyed messages: one key, one partition.
    const byKey = new Map<string, Set<number>>()
    for (const m of read)
      if (m.key) byKey.set(String(m.key), (byKey.get(String(m.key)) ?? new Set()).add(m.partition))
    expect([...byKey.values()].every((partitions) => partitions.size === 1)).toBe(true)
  },
  120_000,
)
