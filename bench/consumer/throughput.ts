// Throughput: consume N messages of 1 KiB (default 100k) with GraceDbKafkaConsumer.stream() against raw kafkajs
// eachMessage and eachBatch, on one private testkit broker over SASL_SSL + OAUTHBEARER. Each contender reads
// the whole topic with a fresh group from the earliest offset; the clock runs from the first message to the
// last, so group joins are not counted. Three rounds, interleaved; the median is reported.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/consumer/throughput.ts [count] [rounds]
import { performance } from 'node:perf_hooks'
import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import { type Bench, fill, setupBench } from './setup.js'

const count = Number(process.argv[2] ?? 100_000)
const rounds = Number(process.argv[3] ?? 3)
const PARTITIONS = 3

type Contender = (bench: Bench, topic: string, group: string) => Promise<number>

async function rawKafkajs(
  bench: Bench,
  topic: string,
  group: string,
  mode: 'eachMessage' | 'eachBatch',
  parse: boolean,
) {
  const consumer = bench.saslClient().consumer({ groupId: group, maxWaitTimeInMs: 500 })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  let seen = 0
  let t0 = 0
  let sink = 0
  const done = new Promise<number>((resolve) => {
    const one = (value: Buffer | null): void => {
      if (seen === 0) t0 = performance.now()
      if (parse && value) sink += (JSON.parse(value.toString('utf8')) as { n: number }).n
      else sink += value?.length ?? 0
      if (++seen === count) resolve(performance.now() - t0)
    }
    void consumer.run(
      mode === 'eachMessage'
        ? { eachMessage: async ({ message }) => one(message.value) }
        : {
            eachBatch: async ({ batch }) => {
              for (const m of batch.messages) one(m.value)
            },
          },
    )
  })
  const ms = await done
  await consumer.disconnect()
  void sink
  return ms
}

const ours: Contender = async (bench, topic, group) => {
  const instance = topic.slice(0, topic.indexOf('.'))
  const consumer = new GraceDbKafkaConsumer({
    bootstrapServers: bench.kafka.bootstrapServers,
    instanceName: instance,
    caCertPath: bench.kafka.caCertPath,
    groupId: group,
    autoOffsetReset: 'earliest',
  })
  await consumer.subscribe(topic.slice(instance.length + 1))
  let seen = 0
  let t0 = 0
  let sink = 0
  for await (const msg of consumer.stream({ timeout: 1 })) {
    if (seen === 0) t0 = performance.now()
    sink += (msg.value as { n: number }).n
    if (++seen === count) break
  }
  const ms = performance.now() - t0
  await consumer.close()
  void sink
  return ms
}

const contenders: Record<string, Contender> = {
  'GraceDbKafkaConsumer.stream() (decodes JSON)': ours,
  'kafkajs eachMessage (no decoding)': (b, t, g) => rawKafkajs(b, t, g, 'eachMessage', false),
  'kafkajs eachMessage + JSON.parse': (b, t, g) => rawKafkajs(b, t, g, 'eachMessage', true),
  'kafkajs eachBatch (no decoding)': (b, t, g) => rawKafkajs(b, t, g, 'eachBatch', false),
}

const bench = await setupBench()
try {
  const topic = `bench.throughput`
  await bench.kafka.createTopic(topic, { partitions: PARTITIONS })
  const tf = performance.now()
  await fill(bench, topic, count)
  console.log(
    `filled ${count} x 1 KiB into ${topic} (${PARTITIONS} partitions) in ${((performance.now() - tf) / 1000).toFixed(1)} s`,
  )
  const results: Record<string, number[]> = {}
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(contenders)) {
      const ms = await run(bench, topic, `bench-${r}-${name.replace(/\W+/g, '-')}`)
      const list = results[name] ?? []
      list.push(ms)
      results[name] = list
      console.log(`round ${r + 1} ${name}: ${Math.round(count / (ms / 1000))} msg/s`)
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
  const rate = (name: string) => count / (median(results[name] as number[]) / 1000)
  const base = rate('kafkajs eachMessage (no decoding)')
  console.table(
    Object.keys(contenders).map((name) => ({
      contender: name,
      'msg/s (median)': Math.round(rate(name)),
      'MiB/s': +((rate(name) * 1024) / 2 ** 20).toFixed(1),
      'x eachMessage': +(rate(name) / base).toFixed(2),
    })),
  )
} finally {
  await bench.kafka.stop()
}
