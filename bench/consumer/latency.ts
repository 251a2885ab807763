// End-to-end latency: a producer sends one message every 10 ms (100 msg/s) for `seconds` (default 30); each
// carries its send time; GraceDbKafkaConsumer.stream() records receive - send. Producer and consumer share
// this process (and its clock). Prints p50 / p90 / p99 / max in milliseconds.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/consumer/latency.ts [seconds] [rate]
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import { percentile } from '../stats.js'
import { setupBench } from './setup.js'

const seconds = Number(process.argv[2] ?? 30)
const rate = Number(process.argv[3] ?? 100)

const bench = await setupBench()
try {
  const topic = 'bench.latency'
  await bench.kafka.createTopic(topic, { partitions: 1 })
  await using consumer = new GraceDbKafkaConsumer({
    bootstrapServers: bench.kafka.bootstrapServers,
    instanceName: 'bench',
    caCertPath: bench.kafka.caCertPath,
  })
  await consumer.subscribe('latency')
  const producer = bench.saslClient().producer({ allowAutoTopicCreation: false })
  await producer.connect()
  const samples: number[] = []
  const total = Math.round(seconds * rate)
  const receiving = (async () => {
    for await (const msg of consumer.stream({ timeout: 1 })) {
      samples.push(performance.now() - (msg.value as { sentAt: number }).sentAt)
      if (samples.length === total) break
    }
  })()
  const start = performance.now()
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 0) await sleep(wait)
    await producer.send({
      topic,
      acks: -1,
      messages: [{ value: JSON.stringify({ i, sentAt: performance.now() }) }],
    })
  }
  await Promise.race([receiving, sleep(10_000)])
  await producer.disconnect()
  const sorted = [...samples].sort((a, b) => a - b)
  console.table([
    {
      'rate (msg/s)': rate,
      sent: total,
      received: samples.length,
      'p50 ms': +percentile(sorted, 50).toFixed(2),
      'p90 ms': +percentile(sorted, 90).toFixed(2),
      'p99 ms': +percentile(sorted, 99).toFixed(2),
      'max ms': +(sorted[sorted.length - 1] ?? Number.NaN).toFixed(2),
    },
  ])
} finally {
  await bench.kafka.stop()
}
