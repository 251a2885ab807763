// GraceDbKafkaProducer throughput and latency against raw kafkajs, on one real testkit broker
// (KRaft, SASL_SSL + OAUTHBEARER SciTokens, TLS) started for this run.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/producer/throughput.ts [messages] [perMessageSends]
//
// Throughput: `messages` (default 100 000) JSON messages of 1 KiB with guaranteed delivery (acks=all, idempotent)
//   (a) GraceDbKafkaProducer: produce() without awaiting, then flush()
//   (b) raw kafkajs producer.sendBatch, awaited batch after batch (900 messages per batch, ~1 MB)
//   (c) raw kafkajs, awaiting send() for every message — measured on `perMessageSends` (default 5 000) messages
//       and reported as a rate (the rate does not depend on the count)
// Latency: produce() -> delivery report at 100 messages/s for 20 s, p50 / p99, with the default linger (5 ms)
//   and with linger.ms = 0.
// Run on demand, never as a timed test. Prints a table and a JSON line.

import { performance } from 'node:perf_hooks'
import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { sendBatches } from '../loops.js'
import { percentile } from '../stats.js'
import { event, startProducerBench } from './setup.js'

const total = Number(process.argv[2] ?? 100_000)
const perMessage = Number(process.argv[3] ?? 5_000)
const rawBatch = 900

const { kafka, rawKafka, stop } = await startProducerBench('producer')
try {
  const topics = ['ours', 'ours-fast', 'raw-batch', 'raw-send', 'latency', 'latency0']
  for (const t of topics) await kafka.createTopic(`bench.${t}`, { partitions: 1 })

  const makeOurs = (topic: string, extra: Record<string, unknown> = {}): GraceDbKafkaProducer =>
    new GraceDbKafkaProducer({
      bootstrapServers: kafka.bootstrapServers,
      caCertPath: kafka.caCertPath,
      instanceName: 'bench',
      topic,
      ...extra,
    })

  // (a) this producer, guaranteed delivery
  const runOurs = async (topic: string, extra: Record<string, unknown> = {}): Promise<number> => {
    await using producer = makeOurs(topic, extra)
    await producer.connect()
    for (let i = 0; i < 1000; i++) producer.produce(event(-i)) // warm-up
    await producer.flush()
    const t0 = performance.now()
    for (let i = 0; i < total; i++) producer.produce(event(i))
    const left = await producer.flush()
    const s = (performance.now() - t0) / 1000
    if (left !== 0) throw new Error(`${left} messages left`)
    return total / s
  }
  const ours = await runOurs('ours')
  const oursFast = await runOurs('ours-fast', { guaranteedDelivery: false })

  // (b) raw kafkajs sendBatch, idempotent, acks=all, awaited batch after batch
  const rawBatchRate = await (async () => {
    const producer = rawKafka.producer({ idempotent: true })
    await producer.connect()
    try {
      const send = (from: number, count: number): Promise<void> =>
        sendBatches(producer, 'bench.raw-batch', from, count, rawBatch, (j) => ({
          value: JSON.stringify(event(j)),
        }))
      await send(-1000, 1000) // warm-up
      const t0 = performance.now()
      await send(0, total)
      return total / ((performance.now() - t0) / 1000)
    } finally {
      await producer.disconnect()
    }
  })()

  // (c) raw kafkajs, one awaited send() per message
  const rawSendRate = await (async () => {
    const producer = rawKafka.producer({ idempotent: true })
    await producer.connect()
    try {
      for (let i = 0; i < 200; i++) {
        await producer.send({
          topic: 'bench.raw-send',
          acks: -1,
          messages: [{ value: JSON.stringify(event(-i)) }],
        })
      }
      const t0 = performance.now()
      for (let i = 0; i < perMessage; i++) {
        await producer.send({
          topic: 'bench.raw-send',
          acks: -1,
          messages: [{ value: JSON.stringify(event(i)) }],
        })
      }
      return perMessage / ((performance.now() - t0) / 1000)
    } finally {
      await producer.disconnect()
    }
  })()

  // Latency at 100 messages/s for 20 s
  const latency = async (
    topic: string,
    extra: Record<string, unknown>,
  ): Promise<{ p50: number; p99: number }> => {
    await using producer = makeOurs(topic, extra)
    await producer.connect()
    await producer.produce(event(-1))
    const samples: number[] = []
    const pending: Promise<void>[] = []
    const start = performance.now()
    for (let i = 0; i < 2000; i++) {
      const due = start + i * 10
      const wait = due - performance.now()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      const t0 = performance.now()
      pending.push(producer.produce(event(i)).then(() => void samples.push(performance.now() - t0)))
    }
    await Promise.all(pending)
    samples.sort((a, b) => a - b)
    return { p50: percentile(samples, 50), p99: percentile(samples, 99) }
  }
  const lat = await latency('latency', {})
  const lat0 = await latency('latency0', { kafkaConfig: { 'linger.ms': 0 } })

  const f = (n: number): string => Math.round(n).toLocaleString('en-US')
  const rows = [
    ['(a) GraceDbKafkaProducer, produce() un-awaited + flush()', ours],
    ['(a2) same, guaranteedDelivery: false (acks=1, 5 in flight)', oursFast],
    [`(b) raw kafkajs sendBatch, ${rawBatch}/batch, awaited`, rawBatchRate],
    [`(c) raw kafkajs await send() per message (${perMessage} msgs)`, rawSendRate],
  ] as const
  console.log(`\nThroughput, ${f(total)} x 1 KiB JSON, acks=all + idempotent unless noted (msgs/s):`)
  for (const [name, rate] of rows) console.log(`  ${name.padEnd(64)} ${f(rate).padStart(9)}`)
  console.log(`  ratio (a)/(b) = ${(ours / rawBatchRate).toFixed(2)}x   (target >= 0.9x)`)
  console.log(`  ratio (a)/(c) = ${(ours / rawSendRate).toFixed(1)}x   (target >= 10x)`)
  console.log('Latency produce() -> delivery report at 100 msg/s for 20 s (ms):')
  console.log(`  linger.ms 5 (default): p50 ${lat.p50.toFixed(2)}  p99 ${lat.p99.toFixed(2)}`)
  console.log(`  linger.ms 0:           p50 ${lat0.p50.toFixed(2)}  p99 ${lat0.p99.toFixed(2)}`)
  console.log(
    JSON.stringify({
      messages: total,
      ours: Math.round(ours),
      oursNotGuaranteed: Math.round(oursFast),
      rawSendBatch: Math.round(rawBatchRate),
      rawAwaitedSend: Math.round(rawSendRate),
      ratioVsSendBatch: +(ours / rawBatchRate).toFixed(3),
      ratioVsAwaitedSend: +(ours / rawSendRate).toFixed(2),
      latencyMs: { linger5: lat, linger0: lat0 },
      kafka: kafka.version,
      node: process.version,
    }),
  )
} finally {
  await stop()
}
