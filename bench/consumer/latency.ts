// Consumer-side latency: one kafkajs producer (acks=all, one message per send) sends a message every 10 ms
// (100 msg/s) until `total` (default 2,000) were sent; each carries its wall-clock send time. The consumer under
// test records receive - send in its own process: GraceDbKafkaConsumer.stream() (latency-child.ts) or the Python
// reference's stream() (ligo-gracedb 2.16.1 on librdkafka, from the project's .venv); both read with their
// defaults from 'latest'. The same producer serves both, so the difference is the consumer side (for
// producer + consumer end to end, see `npm run bench:peers -- --only latency`). A fresh topic
// per contender and round; rounds rotate the order. Prints p50 / p90 / p99 / max in milliseconds per round and
// the medians over rounds.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/consumer/latency.ts [total] [rate] [rounds]
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Producer } from 'kafkajs'
import { percentile } from '../stats.js'
import { havePython, runOursChild, runPython } from './python.js'
import { type Bench, setupBench } from './setup.js'

const total = Number(process.argv[2] ?? 2000)
const rate = Number(process.argv[3] ?? 100)
const rounds = Number(process.argv[4] ?? 3)

/** Wall-clock milliseconds with sub-millisecond resolution (comparable with Python's time.time()). */
const wallMs = (): number => performance.timeOrigin + performance.now()

/** Send `total` messages at `rate` per second, each stamped with its send time. */
async function produce(producer: Producer, topic: string): Promise<void> {
  const start = performance.now()
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / rate - performance.now()
    if (wait > 0) await sleep(wait)
    await producer.send({
      topic,
      acks: -1,
      messages: [{ value: JSON.stringify({ i, sentAtWall: wallMs() }) }],
    })
  }
}

type Contender = (bench: Bench, producer: Producer, topic: string) => Promise<number[]>

/** A consumer in a child process: produce once it is subscribed, collect its samples. */
async function child(
  start: (ready: () => void) => { result: Promise<{ samples: number[] }>; stop: () => void },
  producer: Producer,
  topic: string,
): Promise<number[]> {
  let ready: () => void = () => {}
  const subscribed = new Promise<void>((resolve) => {
    ready = resolve
  })
  const run = start(ready)
  await Promise.race([subscribed, run.result])
  await produce(producer, topic)
  // as for ours: at most 10 s more for the last messages (a message sent before librdkafka resolved 'latest'
  // is not seen), then SIGTERM ends its stream() and it reports what it received
  const timer = setTimeout(run.stop, 10_000)
  try {
    return (await run.result).samples
  } finally {
    clearTimeout(timer)
  }
}

const ours: Contender = (bench, producer, topic) =>
  child((ready) => runOursChild(bench, topic, total, ready), producer, topic)
const python: Contender = (bench, producer, topic) =>
  child((ready) => runPython(bench, 'latency', topic, `lat-${topic}`, total, ready), producer, topic)

const contenders: Record<string, Contender> = {
  'GraceDbKafkaConsumer.stream()': ours,
  ...(havePython() ? { 'Python ligo-gracedb stream()': python } : {}),
}

const bench = await setupBench()
try {
  const producer = bench.saslClient().producer({ allowAutoTopicCreation: false })
  await producer.connect()
  const names = Object.keys(contenders)
  const results: Record<string, { p50: number; p90: number; p99: number; max: number; received: number }[]> =
    {}
  for (let r = 0; r < rounds; r++) {
    for (const name of names.map((_, i) => names[(i + r) % names.length] as string)) {
      const topic = `bench.latency-${r}-${name.replace(/\W+/g, '-').toLowerCase()}`
      await bench.kafka.createTopic(topic, { partitions: 1 })
      const samples = await (contenders[name] as Contender)(bench, producer, topic)
      const sorted = [...samples].sort((a, b) => a - b)
      const row = {
        received: samples.length,
        p50: +percentile(sorted, 50).toFixed(2),
        p90: +percentile(sorted, 90).toFixed(2),
        p99: +percentile(sorted, 99).toFixed(2),
        max: +(sorted[sorted.length - 1] ?? Number.NaN).toFixed(2),
      }
      const list = results[name] ?? []
      list.push(row)
      results[name] = list
      console.log(`round ${r + 1} ${name}: ${JSON.stringify(row)}`)
    }
  }
  await producer.disconnect()
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
  const range = (xs: number[]) => `${Math.min(...xs)}–${Math.max(...xs)}`
  const py = results['Python ligo-gracedb stream()']
  console.table(
    names.map((name) => {
      const rows = results[name] ?? []
      const p50 = median(rows.map((x) => x.p50))
      const p99 = median(rows.map((x) => x.p99))
      return {
        consumer: name,
        'rate (msg/s)': rate,
        'received (min)': Math.min(...rows.map((x) => x.received)),
        'p50 ms': p50,
        'p50 min–max': range(rows.map((x) => x.p50)),
        'p99 ms': p99,
        'p99 min–max': range(rows.map((x) => x.p99)),
        'p50 x Python': py ? +(p50 / median(py.map((x) => x.p50))).toFixed(2) : Number.NaN,
        'p99 x Python': py ? +(p99 / median(py.map((x) => x.p99))).toFixed(2) : Number.NaN,
      }
    }),
  )
} finally {
  await bench.kafka.stop()
}
