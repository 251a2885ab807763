// Node consumer contenders over a pre-produced topic, each with a fresh group from the earliest offset; the
// clock runs from the first message to the `count`-th (group joins are not counted, for every contender):
// our GraceDbKafkaConsumer.stream() (decodes JSON) and raw kafkajs eachMessage + JSON.parse.
import { performance } from 'node:perf_hooks'
import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import { Kafka, logLevel } from 'kafkajs'
import { streamCount } from '../loops.js'
import { benchEvent, INSTANCE, type PeersEnv } from './setup.js'

/** Fill `topic` with `count` bench events (Python-spaced JSON, uncompressed) over the plaintext listener. */
export async function fill(env: PeersEnv, topic: string, count: number): Promise<void> {
  const producer = new Kafka({
    clientId: 'bench-peers-fill',
    brokers: env.kafka.plaintextBootstrapServers.split(','),
    logLevel: logLevel.NOTHING,
  }).producer({ allowAutoTopicCreation: false })
  await producer.connect()
  try {
    const inflight: Promise<unknown>[] = []
    for (let i = 0; i < count; i += 1000) {
      const messages = []
      for (let j = i; j < Math.min(i + 1000, count); j++) {
        const e = benchEvent(j)
        messages.push({ value: `{"seq": ${e.seq}, "graceid": "${e.graceid}", "pad": "${e.pad}"}` })
      }
      inflight.push(producer.send({ topic, acks: -1, messages }))
      if (inflight.length >= 8) await inflight.shift()
    }
    await Promise.all(inflight)
  } finally {
    await producer.disconnect()
  }
}

export async function oursConsume(
  env: PeersEnv,
  topic: string,
  count: number,
  group: string,
): Promise<number> {
  const consumer = new GraceDbKafkaConsumer({
    bootstrapServers: env.kafka.bootstrapServers,
    caCertPath: env.kafka.caCertPath,
    instanceName: INSTANCE,
    groupId: group,
    autoOffsetReset: 'earliest',
  })
  try {
    await consumer.subscribe(topic.slice(INSTANCE.length + 1))
    const { seen, ms, sink } = await streamCount<{ seq: number }>(
      consumer.stream({ timeout: 1 }),
      count,
      (v) => v.seq,
    )
    const seconds = ms / 1000
    if (seen !== count || sink < 0) throw new Error(`ours: read ${seen} of ${count}`)
    return count / seconds
  } finally {
    await consumer.close()
  }
}

export async function rawConsume(
  env: PeersEnv,
  topic: string,
  count: number,
  group: string,
): Promise<number> {
  const consumer = env.saslKafka('bench-peers-raw-consumer').consumer({ groupId: group })
  await consumer.connect()
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    let seen = 0
    let t0 = 0
    let sink = 0
    const seconds = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`raw: read ${seen} of ${count} in 300 s`)), 300_000)
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (seen === 0) t0 = performance.now()
          sink += (JSON.parse(message.value?.toString('utf8') ?? '{}') as { seq: number }).seq
          if (++seen === count) {
            clearTimeout(timer)
            resolve((performance.now() - t0) / 1000)
          }
        },
      })
    })
    if (sink < 0) throw new Error('unreachable')
    return count / seconds
  } finally {
    await consumer.disconnect()
  }
}
