// Where the end-to-end latency of `npm run bench:peers -- --only latency` goes: the same run as
// node-latency.ts (our producer and consumer in one process, `count` 1 KiB messages at `rate` msg/s) on a topic
// with `message.timestamp.type=LogAppendTime`, so each message carries the broker's append time. Each sample is
// split into send -> broker append, append -> delivery promise resolved (ack), and append -> stream() yields it;
// GC pauses (perf_hooks), event-loop delay and the consumer's kafkajs requests (instrumentation events) are
// recorded alongside, and the slowest 1 % are listed with what overlapped them.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/peers/latency-split.ts \
//     [--count 2000] [--rate 100] [--runs 1] [--prewarm 0] [--python] [--json out.json]
//
// --prewarm N sends N more unmeasured messages at the rate before the measured ones (does a cold start make
// the tail?); --python runs the Python reference's latency.py before each run (paired; its samples' p50/p99,
// overall and after the first 2 s, are printed alongside).
//
// Broker times are whole milliseconds (Java's currentTimeMillis, same host clock), so each part is +-1 ms.
import { writeFile } from 'node:fs/promises'
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { percentile } from '../stats.js'
import { reportSplit, type SplitRun } from './latency-split-report.js'
import { ensurePythonPeer, runPython } from './python-peer.js'
import { INSTANCE, type PeersEnv, padOf, setupPeers } from './setup.js'
import {
  API_FETCH,
  API_PRODUCE,
  firstAtOrAfter,
  lastAtOrBefore,
  tapTlsSockets,
  tapZstd,
} from './socket-taps.js'

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '100' },
    runs: { type: 'string', default: '1' },
    prewarm: { type: 'string', default: '0' },
    python: { type: 'boolean', default: false },
    'ab-sync-decompress': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
})

/** Epoch ms (a broker timestamp) on the performance.now() clock of this process. */
const perfOf = (epochMs: number): number => epochMs - performance.timeOrigin

/** The kafkajs consumer behind our consumer (private fields; a bench may look). */
function kafkajsConsumerOf(consumer: GraceDbKafkaConsumer) {
  const engine = (consumer as unknown as { engine: { session?: { consumer: KafkajsConsumerLike } } }).engine
  return engine.session?.consumer
}
interface KafkajsConsumerLike {
  events: Record<string, string>
  on(event: string, listener: (e: { timestamp: number; payload: Record<string, unknown> }) => void): unknown
}

async function splitRun(
  env: PeersEnv,
  count: number,
  rate: number,
  run: number,
  prewarm: number,
): Promise<SplitRun> {
  const name = `split-r${run}-${Date.now()}`
  const topic = `${INSTANCE}.${name}`
  await env.kafka.createTopic(topic, { partitions: 1, config: { 'message.timestamp.type': 'LogAppendTime' } })
  const connection = {
    bootstrapServers: env.kafka.bootstrapServers,
    caCertPath: env.kafka.caCertPath,
    instanceName: INSTANCE,
  }
  sockets.length = 0
  if (zstd) {
    zstd.compress.length = 0
    zstd.decompress.length = 0
  }
  if (zstd && args['ab-sync-decompress']) zstd.syncDecompress = run % 2 === 1
  if (args['ab-sync-decompress']) console.log(`\nrun ${run + 1}: sync decompress ${zstd?.syncDecompress}`)
  const out: SplitRun = {
    samples: [],
    gc: [],
    requests: [],
    producerRequests: {},
    loopDelay: { p50: 0, p99: 0, max: 0 },
  }
  const sends = new Float64Array(count)
  const acks = new Float64Array(count)
  const appends = new Float64Array(count)
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0
      out.gc.push({ start: e.startTime, duration: e.duration, kind })
    }
  })
  try {
    await using producer = new GraceDbKafkaProducer({ ...connection, topic: name })
    await using consumer = new GraceDbKafkaConsumer({ ...connection, autoOffsetReset: 'earliest' })
    await consumer.subscribe(name)
    await producer.connect()
    let warmed = false
    let done = false
    let hooked = false
    const delay = monitorEventLoopDelay({ resolution: 1 })
    const sending = (async () => {
      while (!warmed && !done) {
        await producer.produce({ warmup: true, pad: padOf(0) })
        await sleep(200)
      }
      const warmStart = performance.now()
      for (let i = 0; i < prewarm && !done; i++) {
        const wait = warmStart + (i * 1000) / rate - performance.now()
        if (wait > 0) await sleep(wait)
        producer.produce({ warmup: true, pad: padOf(i) }).catch(() => {})
      }
      if (prewarm > 0) await sleep(1000 / rate)
      gcObserver.observe({ entryTypes: ['gc'] })
      delay.enable()
      const start = performance.now()
      for (let i = 0; i < count && !done; i++) {
        const wait = start + (i * 1000) / rate - performance.now()
        if (wait > 0) await sleep(wait)
        const sentAt = performance.now()
        sends[i] = sentAt
        producer.produce({ i, sentAt, pad: padOf(i) }).then(
          (report) => {
            acks[i] = performance.now()
            appends[i] = perfOf(report.timestamp)
          },
          () => {},
        )
      }
      await producer.flush()
    })()
    const deadline = performance.now() + 60_000 + (count * 1000) / rate
    try {
      for await (const msg of consumer.stream({ timeout: 0.5 })) {
        const now = performance.now()
        if (!hooked) {
          hooked = true
          const kc = kafkajsConsumerOf(consumer)
          kc?.on(kc.events.REQUEST as string, (e) => {
            const p = e.payload as { apiName: string; createdAt: number; duration: number }
            const pending = (e.payload as { pendingDuration?: number }).pendingDuration ?? 0
            out.requests.push({ api: p.apiName, created: perfOf(p.createdAt), duration: p.duration, pending })
          })
        }
        const value = msg.value as { i?: number; sentAt?: number }
        if (value.sentAt === undefined || value.i === undefined) {
          warmed = true
          continue
        }
        out.samples.push({
          i: value.i,
          send: value.sentAt,
          write: 0,
          append: msg.timestamp === null ? Number.NaN : perfOf(msg.timestamp),
          pread: 0,
          ack: 0,
          cread: 0,
          recv: now,
          compress: 0,
          decompress: 0,
        })
        if (out.samples.length === count || now > deadline) break
      }
    } finally {
      done = true
      await sending
      delay.disable()
      out.loopDelay = {
        p50: delay.percentile(50) / 1e6,
        p99: delay.percentile(99) / 1e6,
        max: delay.max / 1e6,
      }
    }
  } finally {
    gcObserver.disconnect()
    await env.drop(topic)
  }
  const merged = (api: number, what: 'writes' | 'reads') =>
    sockets
      .filter((t) => t.writes.some(([key]) => key === api))
      .flatMap((t) =>
        what === 'writes' ? t.writes.filter(([key]) => key === api).map(([, at]) => at) : t.reads,
      )
      .sort((a, b) => a - b)
  const producerApis = new Map<number, number>()
  for (const t of sockets.filter((t) => t.writes.some(([key]) => key === API_PRODUCE)))
    for (const [key] of t.writes) producerApis.set(key, (producerApis.get(key) ?? 0) + 1)
  out.producerRequests = Object.fromEntries(producerApis)
  const produceWrites = merged(API_PRODUCE, 'writes')
  const producerReads = merged(API_PRODUCE, 'reads')
  const consumerReads = merged(API_FETCH, 'reads')
  for (const s of out.samples) {
    s.ack = acks[s.i] || Number.NaN
    if (Number.isNaN(s.append)) s.append = appends[s.i] ?? Number.NaN
    s.write = firstAtOrAfter(produceWrites, s.send)
    s.pread = lastAtOrBefore(producerReads, s.ack)
    s.cread = lastAtOrBefore(consumerReads, s.recv)
    const c = zstd?.compress.find(([start]) => start >= s.send)
    s.compress = c ? c[1] - c[0] : Number.NaN
    const d = zstd?.decompress.findLast(([start, end]) => end <= s.recv && start >= s.append - 1)
    s.decompress = d ? d[1] - d[0] : Number.NaN
  }
  if (out.samples.length !== count) throw new Error(`received ${out.samples.length} of ${count}`)
  return out
}

/** The Python reference's latency.py on a fresh topic (as latency-parts.ts runs it); its samples in send order. */
async function pythonRun(env: PeersEnv, r: number): Promise<number[]> {
  const topic = await env.topic(`split-python-r${r}-${Date.now()}`, 1)
  try {
    const short = topic.slice(topic.indexOf('.') + 1)
    const args = [short, String(count), String(rate)]
    return (await runPython<{ samples: number[] }>(env, 'latency.py', args, 180_000)).samples
  } finally {
    await env.drop(topic)
  }
}

function pythonLine(samples: number[]): string {
  const at = (a: number[], p: number) =>
    f2(
      percentile(
        [...a].sort((x, y) => x - y),
        p,
      ),
    )
  const steady = samples.slice(2 * rate)
  return `p50 ${at(samples, 50)} p99 ${at(samples, 99)} ms; after the first 2 s: p50 ${at(steady, 50)} p99 ${at(steady, 99)}`
}
const f2 = (x: number): string => x.toFixed(2)

const count = Number(args.count)
const rate = Number(args.rate)
/** Taps installed once for the whole process; emptied at the start of each run. */
const sockets = tapTlsSockets()
const zstd = tapZstd()
if (args.python) ensurePythonPeer()
const env = await setupPeers({ standIn: false })
const runs: SplitRun[] = []
try {
  for (let r = 0; r < Number(args.runs); r++) {
    if (args.python)
      console.log(`\n=== run ${r + 1}, Python reference: ${pythonLine(await pythonRun(env, r))}`)
    const run = await splitRun(env, count, rate, r, Number(args.prewarm))
    runs.push(run)
    console.log(`\n=== run ${r + 1}: ${count} messages at ${rate} msg/s, prewarm ${args.prewarm} ===`)
    reportSplit(run)
  }
} finally {
  await env.stop()
}
if (args.json) await writeFile(args.json, JSON.stringify(runs))
