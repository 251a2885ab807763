// Node producer contenders: our GraceDbKafkaProducer (produce() un-awaited, then flush(); guaranteed delivery,
// its defaults = zstd, or compression 'none') and raw kafkajs sendBatch (idempotent, acks=all, awaited batch
// after batch). Each writes a warm-up of 1,000 messages first, then `count` timed messages; msgs/s.
import { performance } from 'node:perf_hooks'
import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { sendBatches } from '../loops.js'
import { benchEvent, INSTANCE, type PeersEnv } from './setup.js'

const WARMUP = 1000
const RAW_BATCH = 900 // ~1 MB per request, the raw baseline's sweet spot in bench/producer

/** Our producer on `topic` (a full `peers.<name>` topic). */
export async function oursProduce(
  env: PeersEnv,
  topic: string,
  count: number,
  compression: 'zstd' | 'none' | undefined,
): Promise<number> {
  await using producer = new GraceDbKafkaProducer({
    bootstrapServers: env.kafka.bootstrapServers,
    caCertPath: env.kafka.caCertPath,
    instanceName: INSTANCE,
    topic: topic.slice(INSTANCE.length + 1),
    ...(compression ? { compression } : {}),
  })
  await producer.connect()
  for (let i = 0; i < WARMUP; i++) void producer.produce(benchEvent(-1 - i)).catch(() => {})
  if ((await producer.flush()) !== 0) throw new Error('ours: warm-up not delivered')
  const failures: unknown[] = []
  const t0 = performance.now()
  for (let i = 0; i < count; i++) {
    producer.produce(benchEvent(i)).catch((err: unknown) => void failures.push(err))
  }
  const left = await producer.flush()
  const seconds = (performance.now() - t0) / 1000
  if (left !== 0 || failures.length > 0) {
    throw new Error(`ours: ${left} left, ${failures.length} failed: ${String(failures[0])}`)
  }
  return count / seconds
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
