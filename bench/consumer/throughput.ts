// Throughput: consume N messages of 1 KiB JSON (default 100k) with GraceDbKafkaConsumer.stream(), the Python
// reference's stream() (ligo-gracedb 2.16.1 on librdkafka, from the project's .venv) and raw kafkajs
// (eachMessage, eachBatch), on one private testkit broker over SASL_SSL + OAUTHBEARER. Each contender reads
// the whole topic with a fresh group from the earliest offset; the clock runs from the first message to the
// last, so group joins are not counted. Rounds rotate the order; median and min–max are reported.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/consumer/throughput.ts [count] [rounds] [partitions]
import { performance } from 'node:perf_hooks'
import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import { streamCount } from '../loops.js'
import { havePython, runPython } from './python.js'
import { type Bench, fill, setupBench } from './setup.js'

const count = Number(process.argv[2] ?? 100_000)
const rounds = Number(process.argv[3] ?? 3)
const PARTITIONS = Number(process.argv[4] ?? 1)

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
  const { ms } = await streamCount<{ n: number }>(consumer.stream({ timeout: 1 }), count, (v) => v.n)
  await consumer.close()
  return ms
}

const python: Contender = async (bench, topic, group) =>
  (await runPython<{ ms: number }>(bench, 'throughput', topic, group, count).result).ms

const OURS = 'GraceDbKafkaConsumer.stream() (decodes JSON)'
const PYTHON = 'Python ligo-gracedb stream() (decodes JSON)'
const RAW = 'kafkajs eachMessage (no decoding)'
const all: Record<string, Contender> = {
  [OURS]: ours,
  ...(havePython() ? { [PYTHON]: python } : {}),
  [RAW]: (b, t, g) => rawKafkajs(b, t, g, 'eachMessage', false),
  'kafkajs eachMessage + JSON.parse': (b, t, g) => rawKafkajs(b, t, g, 'eachMessage', true),
  'kafkajs eachBatch (no decoding)': (b, t, g) => rawKafkajs(b, t, g, 'eachBatch', false),
}

// CONTENDERS=stream,Python runs only those whose name contains one of the words (e.g. under --cpu-prof)
const only = process.env.CONTENDERS?.split(',')
const contenders = Object.fromEntries(
  Object.entries(all).filter(([name]) => only === undefined || only.some((w) => name.includes(w))),
)

const bench = await setupBench()
try {
  const topic = `bench.throughput`
  await bench.kafka.createTopic(topic, { partitions: PARTITIONS })
  const tf = performance.now()
  await fill(bench, topic, count)
  console.log(
    `filled ${count} x 1 KiB into ${topic} (${PARTITIONS} partitions) in ${((performance.now() - tf) / 1000).toFixed(1)} s`,
  )
  const names = Object.keys(contenders)
  const results: Record<string, number[]> = {}
  for (let r = 0; r < rounds; r++) {
    // rotate the order each round, so no contender always runs first (cold broker page cache, JIT) or last
    const order = names.map((_, i) => names[(i + r) % names.length] as string)
    for (const name of order) {
      const ms = await (contenders[name] as Contender)(
        bench,
        topic,
        `bench-${r}-${name.replace(/\W+/g, '-')}`,
      )
      const list = results[name] ?? []
      list.push(count / (ms / 1000))
      results[name] = list
      console.log(`round ${r + 1} ${name}: ${Math.round(count / (ms / 1000))} msg/s`)
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
  const rate = (name: string) => median(results[name] as number[])
  const py = results[PYTHON] ? rate(PYTHON) : Number.NaN
  const raw = results[RAW] ? rate(RAW) : Number.NaN
  console.table(
    names.map((name) => ({
      contender: name,
      'msg/s (median)': Math.round(rate(name)),
      'min–max': `${Math.round(Math.min(...(results[name] as number[])))}–${Math.round(Math.max(...(results[name] as number[])))}`,
      'x Python': +(rate(name) / py).toFixed(2),
      'x eachMessage': +(rate(name) / raw).toFixed(2),
    })),
  )
} finally {
  await bench.kafka.stop()
}
