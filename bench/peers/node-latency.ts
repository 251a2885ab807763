// End-to-end latency with our own producer and consumer in one process (one clock): the consumer streams a
// fresh topic from the earliest offset; warm-up messages go out until it has one (the group join is not
// measured), then `count` messages at `rate` per second, each carrying its send time. Latency samples in ms.
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { INSTANCE, type PeersEnv, padOf } from './setup.js'

export async function oursLatency(
  env: PeersEnv,
  topic: string,
  count: number,
  rate: number,
): Promise<number[]> {
  const name = topic.slice(INSTANCE.length + 1)
  const connection = {
    bootstrapServers: env.kafka.bootstrapServers,
    caCertPath: env.kafka.caCertPath,
    instanceName: INSTANCE,
  }
  await using producer = new GraceDbKafkaProducer({ ...connection, topic: name })
  await using consumer = new GraceDbKafkaConsumer({ ...connection, autoOffsetReset: 'earliest' })
  await consumer.subscribe(name)
  await producer.connect()
  const samples: number[] = []
  let warmed = false
  let done = false
  const sending = (async () => {
    while (!warmed && !done) {
      await producer.produce({ warmup: true, pad: padOf(0) })
      await sleep(200)
    }
    const start = performance.now()
    for (let i = 0; i < count && !done; i++) {
      const wait = start + (i * 1000) / rate - performance.now()
      if (wait > 0) await sleep(wait)
      producer.produce({ i, sentAt: performance.now(), pad: padOf(i) }).catch(() => {})
    }
    await producer.flush()
  })()
  const deadline = performance.now() + 60_000 + (count * 1000) / rate
  try {
    for await (const msg of consumer.stream({ timeout: 0.5 })) {
      const value = msg.value as { sentAt?: number }
      if (value.sentAt === undefined) warmed = true
      else if (samples.push(performance.now() - value.sentAt) === count) break
      if (performance.now() > deadline) break
    }
  } finally {
    done = true
    await sending
  }
  if (samples.length !== count) throw new Error(`ours latency: received ${samples.length} of ${count}`)
  return samples
}
