// The consumer's own cost per message, without a broker: synthetic kafkajs batches (1 KiB JSON values) are pushed
// through the consumer's buffer (its kafkajs eachBatch handler) while stream() reads them, so what is measured is
// our hand-off, bookkeeping, decoding and the async iteration, not kafkajs's fetching or TLS. Reports CPU time
// (user + system) and wall time per message, median of `rounds`; CPU time is little affected by other load on
// the machine, unlike broker throughput. It reaches into the consumer's internals (the engine, its stream host):
// a measuring tool, not an example.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/consumer/overhead.ts [messages] [rounds]
import { performance } from 'node:perf_hooks'
import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import type { EachBatchPayload, KafkaMessage } from 'kafkajs'
import { jsonValue } from './setup.js'

const total = Number(process.argv[2] ?? 200_000)
const rounds = Number(process.argv[3] ?? 7)
const BATCH = 1000

interface Internals {
  engine: { bp: { handleBatch(p: EachBatchPayload, live: () => boolean): Promise<void> } }
  host: { ensureStarted: () => Promise<unknown> }
}

const values = Array.from({ length: BATCH }, (_, i) => Buffer.from(jsonValue(i)))

function batchOf(first: number): EachBatchPayload {
  const messages: KafkaMessage[] = values.map((value, i) => ({
    key: null,
    value,
    timestamp: '1764547200000',
    attributes: 0,
    offset: String(first + i),
    headers: {},
  }))
  return {
    batch: { topic: 'bench.overhead', partition: 0, messages },
    resolveOffset: () => {},
    isRunning: () => true,
    isStale: () => false,
    heartbeat: async () => {},
    pause: () => () => {},
  } as unknown as EachBatchPayload
}

async function once(): Promise<{ cpuNs: number; wallNs: number }> {
  const consumer = new GraceDbKafkaConsumer({
    bootstrapServers: 'localhost:9092',
    instanceName: 'bench',
    topics: 'overhead',
  })
  const internals = consumer as unknown as Internals
  internals.host.ensureStarted = async () => {} // no broker: the buffer is fed below
  const feeding = (async () => {
    for (let first = 0; first < total; first += BATCH) {
      await internals.engine.bp.handleBatch(batchOf(first), () => true)
    }
  })()
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let seen = 0
  let sink = 0
  for await (const msg of consumer.stream({ timeout: 1 })) {
    sink += (msg.value as { n: number }).n
    if (++seen === total) break
  }
  const wallNs = ((performance.now() - t0) * 1e6) / total
  const cpu = process.cpuUsage(cpu0)
  await feeding
  await consumer.close()
  if (sink < 0) throw new Error('unexpected')
  return { cpuNs: ((cpu.user + cpu.system) * 1e3) / total, wallNs }
}

const cpu: number[] = []
const wall: number[] = []
await once() // warm-up (JIT)
for (let r = 0; r < rounds; r++) {
  const { cpuNs, wallNs } = await once()
  cpu.push(cpuNs)
  wall.push(wallNs)
  console.log(`round ${r + 1}: ${cpuNs.toFixed(0)} ns CPU, ${wallNs.toFixed(0)} ns wall per message`)
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number
console.log(
  `median of ${rounds}: ${median(cpu).toFixed(0)} ns CPU per message (${Math.round(1e9 / median(cpu))} msg/s per core), ` +
    `${median(wall).toFixed(0)} ns wall; min–max CPU ${Math.min(...cpu).toFixed(0)}–${Math.max(...cpu).toFixed(0)}`,
)
