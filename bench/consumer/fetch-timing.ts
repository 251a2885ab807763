// Where a fetch's time goes: raw kafkajs (eachBatch doing nothing) and GraceDbKafkaConsumer.stream() read the
// same 1 KiB JSON topic; kafkajs's REQUEST events give each Fetch's network time (request sent -> response
// read), its FETCH events the whole fetch (including decoding the records).
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/consumer/fetch-timing.ts [count] [partitions]
import { performance } from 'node:perf_hooks'
import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import type { Consumer } from 'kafkajs'
import { fill, setupBench } from './setup.js'

const count = Number(process.argv[2] ?? 100_000)
const partitions = Number(process.argv[3] ?? 1)

function watch(kc: Consumer): () => string {
  const net: number[] = []
  const whole: number[] = []
  kc.on(kc.events.REQUEST, (e) => {
    if (e.payload.apiName === 'Fetch') net.push(e.payload.duration)
  })
  kc.on(kc.events.FETCH, (e) => whole.push(e.payload.duration))
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
  return () =>
    `${net.length} fetches: network median ${med(net)} ms (sum ${sum(net)}), whole median ${med(whole)} ms (sum ${sum(whole)})`
}

const bench = await setupBench()
try {
  await bench.kafka.createTopic('bench.timing', { partitions })
  await fill(bench, 'bench.timing', count)
  for (let round = 0; round < 2; round++) {
    {
      const kc = bench.saslClient().consumer({ groupId: `raw-${round}`, maxWaitTimeInMs: 500 })
      const report = watch(kc)
      await kc.connect()
      await kc.subscribe({ topics: ['bench.timing'], fromBeginning: true })
      let seen = 0
      let t0 = 0
      await new Promise<void>((resolve) => {
        void kc.run({
          eachBatch: async ({ batch }) => {
            if (seen === 0) t0 = performance.now()
            seen += batch.messages.length
            if (seen >= count) resolve()
          },
        })
      })
      const ms = performance.now() - t0
      await kc.disconnect()
      console.log(`raw eachBatch: ${Math.round(count / (ms / 1000))} msg/s; ${report()}`)
    }
    {
      const consumer = new GraceDbKafkaConsumer({
        bootstrapServers: bench.kafka.bootstrapServers,
        instanceName: 'bench',
        caCertPath: bench.kafka.caCertPath,
        groupId: `ours-${round}`,
        autoOffsetReset: 'earliest',
      })
      await consumer.subscribe('timing')
      const kc = (consumer as unknown as { engine: { session: { consumer: Consumer } } }).engine.session
        .consumer
      const report = watch(kc)
      let seen = 0
      let t0 = 0
      for await (const msg of consumer.stream({ timeout: 1 })) {
        if (seen === 0) t0 = performance.now()
        if ((msg.value as { n: number }).n < 0) throw new Error('unexpected')
        if (++seen === count) break
      }
      const ms = performance.now() - t0
      await consumer.close()
      console.log(`ours stream(): ${Math.round(count / (ms / 1000))} msg/s; ${report()}`)
    }
  }
} finally {
  await bench.kafka.stop()
}
