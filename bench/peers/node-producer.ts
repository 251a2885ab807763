// Node producer contenders: our GraceDbKafkaProducer (produce() un-awaited, then flush(); guaranteed delivery,
// its defaults = zstd, or compression 'none') and raw kafkajs sendBatch (idempotent, acks=all, awaited batch
// after batch). Each writes a warm-up of 1,000 messages first, then `count` timed messages; msgs/s.
import { performance } from 'node:perf_hooks'
import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { sendBatches } from '../loops.js'
import { benchEvent, INSTANCE, type PeersEnv } from './setup.js'

const WARMUP = 1000
const RAW_BATCH = 900 // ~1 MB per request, the raw baseline's sweet spot in bench/producer

/** What one timed run of a producer measured. */
export interface ProduceFigures {
  /** msg/s from the first produce() to the end of flush(). */
  rate: number
  /** The synchronous produce() loop alone, ms. */
  loopMs: number
  /** This process's CPU time (all threads) over the timed part, ms. */
  cpuMs: number
}

/**
 * A producer (ours, or another checkout's `GraceDbKafkaProducer` class) on `topic` (a full `peers.<name>`
 * topic): warm-up, then `count` messages produced un-awaited in one loop and flushed.
 */
export async function timedProduce(
  env: PeersEnv,
  topic: string,
  count: number,
  {
    compression,
    compressionLevel,
    Producer = GraceDbKafkaProducer,
  }: {
    compression?: 'zstd' | 'none' | undefined
    compressionLevel?: number | undefined
    Producer?: typeof GraceDbKafkaProducer
  } = {},
): Promise<ProduceFigures> {
  await using producer = new Producer({
    bootstrapServers: env.kafka.bootstrapServers,
    caCertPath: env.kafka.caCertPath,
    instanceName: INSTANCE,
    topic: topic.slice(INSTANCE.length + 1),
    ...(compression ? { compression } : {}),
    ...(compressionLevel === undefined ? {} : { compressionLevel }),
  })
  await producer.connect()
  for (let i = 0; i < WARMUP; i++) void producer.produce(benchEvent(-1 - i)).catch(() => {})
  if ((await producer.flush()) !== 0) throw new Error('ours: warm-up not delivered')
  const failures: unknown[] = []
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < count; i++) {
    producer.produce(benchEvent(i)).catch((err: unknown) => void failures.push(err))
  }
  const loopMs = performance.now() - t0
  const left = await producer.flush()
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(c0)
  if (left !== 0 || failures.length > 0) {
    throw new Error(`ours: ${left} left, ${failures.length} failed: ${String(failures[0])}`)
  }
  return { rate: count / seconds, loopMs, cpuMs: (cpu.user + cpu.system) / 1000 }
}

/** Our producer on `topic` (a full `peers.<name>` topic); msg/s. */
export async function oursProduce(
  env: PeersEnv,
  topic: string,
  count: number,
  compression: 'zstd' | 'none' | undefined,
  compressionLevel?: number,
): Promise<number> {
  return (await timedProduce(env, topic, count, { compression, compressionLevel })).rate
}

/** Raw kafkajs `sendBatch`, idempotent, acks=all, JSON.stringify per message. */
export async function rawProduce(env: PeersEnv, topic: string, count: number): Promise<number> {
  const producer = env.saslKafka('bench-peers-raw').producer({ idempotent: true })
  await producer.connect()
  try {
    const send = (from: number, n: number): Promise<void> =>
      sendBatches(producer, topic, from, n, RAW_BATCH, (j) => ({ value: JSON.stringify(benchEvent(j)) }))
    await send(-WARMUP, WARMUP)
    const t0 = performance.now()
    await send(0, count)
    return count / ((performance.now() - t0) / 1000)
  } finally {
    await producer.disconnect()
  }
}
