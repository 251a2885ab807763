// `npm run bench:peers`: our producer, consumer and createEvent side by side with the Python reference
// (ligo-gracedb 2.16.1 in the project's .venv), raw kafkajs and Kafka's own Java perf tools, on ONE testkit
// broker (Kafka 4.1.2, KRaft, SASL_SSL + OAUTHBEARER with signed tokens, TLS), 1 KiB JSON messages, in
// rotated rounds. Prints the tables, writes bench/results/{peers-<date>,latest}.json, latest.svg, latest.md.
// A bench, never a timed test. Flags: see args.ts (`npm run bench:peers -- --help`).
import { cpus, loadavg, release, totalmem } from 'node:os'
import { KAFKA_VERSION } from '@gracedb-kafka/testkit'
import { parsePeersArgs } from './args.js'
import { killAll } from './children.js'
import { type JavaTools, javaTools, resolveToolsClasspath } from './java-tools.js'
import { helpPart, latencyPart, restPart } from './latency-parts.js'
import { ensurePythonPeer, pythonVersions } from './python-peer.js'
import { type Ratio, Recorder, ratio, summarize } from './results.js'
import { benchEvent, KAFKA_START_JVM, PADS, type PeersEnv, setupPeers } from './setup.js'
import { measuresTable, ratiosTable } from './table.js'
import { consumerPart, PARTITIONS, producerPart } from './throughput-parts.js'
import { warmUpBroker } from './warm-up.js'
import { type RunRecord, readLatest, writeRun } from './write.js'

const args = parsePeersArgs(process.argv.slice(2))
if (args.render) {
  for (const f of await writeRun(readLatest(), args.readme, false)) console.log(`wrote ${f}`)
  process.exit(0)
}
const started = Date.now()
const load0 = loadavg()
ensurePythonPeer()
const needsKafka = ['producer', 'consumer', 'latency', 'rest'].some((p) => args.only.has(p as 'producer'))
const needsJava = args.only.has('producer') || args.only.has('consumer')
let javaError: string | undefined
const classpath = needsJava
  ? await resolveToolsClasspath().catch((err: unknown) => {
      javaError = String(err)
      console.log(`bench:peers: no Java tools (${javaError.slice(0, 300)}); going on without them`)
      return undefined
    })
  : undefined

const rec = new Recorder()
if (args.only.has('help')) await helpPart(rec, args.rounds, args.helpRuns)

let env: PeersEnv | undefined
let warmUpSeconds = 0
/** Messages per shape of the broker's warm-up (4 shapes: 1 and 3 partitions, zstd and none). */
const WARM_UP_MESSAGES = 50_000
const stopOnSignal = (signal: NodeJS.Signals) => {
  killAll()
  void (env?.stop() ?? Promise.resolve()).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
}
process.once('SIGINT', stopOnSignal)
process.once('SIGTERM', stopOnSignal)
if (needsKafka) {
  env = await setupPeers({
    standIn: args.only.has('rest'),
    ...(args.brokerJvm === 'kafka' ? { jvmOptions: KAFKA_START_JVM } : {}),
  })
  try {
    warmUpSeconds = await warmUpBroker(env, WARM_UP_MESSAGES)
    console.log(`bench:peers: broker warmed up in ${warmUpSeconds.toFixed(1)} s`)
    // 1 KiB as the reference writes it (json.dumps spacing), for the Java tools' payload file.
    const payloads = Array.from({ length: PADS.length }, (_, i) => {
      const e = benchEvent(i)
      return `{"seq": ${e.seq}, "graceid": "${e.graceid}", "pad": "${e.pad}"}`
    })
    const java: JavaTools | undefined = classpath ? await javaTools(env, classpath, payloads) : undefined
    if (args.only.has('producer')) await producerPart(env, rec, java, args.rounds, args.messages, args.extra)
    if (args.only.has('consumer')) await consumerPart(env, rec, java, args.rounds, args.messages)
    if (args.only.has('latency')) await latencyPart(env, rec, args.rounds, args.latencyMessages, args.rate)
    if (args.only.has('rest'))
      await restPart(env, rec, args.rounds, args.calls, args.fileBytes, args.restWarmup)
  } finally {
    await env.stop()
    env = undefined
  }
}

summarize(rec.measures)
// The order: producer, latency, consumer, createEvent, --help.
const ORDER = ['producer', 'latency', 'consumer', 'create-event', 'help']
const rank = (id: string) => ORDER.findIndex((prefix) => id.startsWith(prefix))
rec.measures.sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id))
const ms = rec.measures
const ratios: Ratio[] = []
for (const p of PARTITIONS) {
  const m = `producer-${p}p`
  if (!ms.some((x) => x.id === m)) continue
  ratios.push(
    ratio(
      ms,
      `producer ${p}p: ours zstd / Python zstd (both defaults)`,
      m,
      'ours-zstd',
      'python-zstd',
      '>= 1.0',
    ),
    ratio(
      ms,
      `producer ${p}p: ours zstd level 3 / Python zstd (level 3 both)`,
      m,
      'ours-zstd3',
      'python-zstd',
    ),
    ratio(ms, `producer ${p}p: ours none / Python none`, m, 'ours-none', 'python-none', '>= 1.0'),
    ratio(ms, `producer ${p}p: ours zstd / raw kafkajs`, m, 'ours-zstd', 'kafkajs'),
    ratio(ms, `producer ${p}p: ours none / Java ProducerPerformance`, m, 'ours-none', 'java'),
  )
  if (args.extra) {
    ratios.push(
      ratio(ms, `producer ${p}p: ours none / Python none + idempotent`, m, 'ours-none', 'python-none-idem'),
      ratio(ms, `producer ${p}p: ours none / Java, 1 MiB batches`, m, 'ours-none', 'java-1m'),
    )
  }
}
if (ms.some((x) => x.id === 'latency-p50')) {
  ratios.push(
    ratio(ms, 'end-to-end latency p50: ours / Python', 'latency-p50', 'ours', 'python', '<= 1.0'),
    ratio(ms, 'end-to-end latency p99: ours / Python', 'latency-p99', 'ours', 'python', '<= 1.0'),
  )
}
for (const p of PARTITIONS) {
  const m = `consumer-${p}p`
  if (!ms.some((x) => x.id === m)) continue
  ratios.push(
    ratio(ms, `consumer ${p}p: ours stream() / Python stream()`, m, 'ours', 'python', '>= 1.0'),
    ratio(ms, `consumer ${p}p: ours / raw kafkajs eachMessage`, m, 'ours', 'kafkajs'),
    ratio(ms, `consumer ${p}p: ours / Java ConsumerPerformance`, m, 'ours', 'java'),
  )
}
if (ms.some((x) => x.id === 'create-event-p50')) {
  ratios.push(
    ratio(ms, 'createEvent p50: ours / Python', 'create-event-p50', 'ours', 'python', '<= 0.6'),
    ratio(ms, 'createEvent p99: ours / Python', 'create-event-p99', 'ours', 'python', '<= 0.6'),
    ratio(ms, 'createEvent p50: minimal (fetch + raw kafkajs) / Python', 'create-event-p50', 'raw', 'python'),
    ratio(ms, 'createEvent p99: minimal (fetch + raw kafkajs) / Python', 'create-event-p99', 'raw', 'python'),
    ratio(ms, 'createEvent p99: ours / minimal', 'create-event-p99', 'ours', 'raw'),
  )
}
if (ms.some((x) => x.id === 'help')) {
  ratios.push(ratio(ms, '--help: ours (built) / reference gracedb', 'help', 'ours-built', 'python', '<= 1.0'))
}

const cpu = cpus()
const run: RunRecord = {
  date: new Date(started).toISOString(),
  setup: {
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
      os: `${process.platform} ${release()}`,
      loadAverageAtStart: load0.map((x) => +x.toFixed(2)),
      loadAverageAtEnd: loadavg().map((x) => +x.toFixed(2)),
    },
    node: process.version,
    ...pythonVersions(),
    kafka: KAFKA_VERSION,
    broker: 'one testkit broker, KRaft, SASL_SSL + OAUTHBEARER (signed JWTs), TLS',
    brokerJvm:
      args.brokerJvm === 'kafka'
        ? `kafka-server-start.sh's options: ${KAFKA_START_JVM.join(' ')}`
        : 'the testkit quick-start options: -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1',
    brokerWarmUp: `${WARM_UP_MESSAGES} messages x 4 shapes (1 and 3 partitions, zstd and none) produced and read, ${Math.round(warmUpSeconds)} s`,
    messageBytes: 1024,
    messages: args.messages,
    partitions: [...PARTITIONS],
    rounds: args.rounds,
    latency: { messages: args.latencyMessages, ratePerSecond: args.rate },
    createEvent: { calls: args.calls, warmUpCalls: args.restWarmup, fileBytes: args.fileBytes },
    helpRunsPerRound: args.helpRuns,
    parts: [...args.only],
    extraContenders: args.extra,
    ...(javaError ? { javaToolsError: javaError } : {}),
    durationSeconds: Math.round((Date.now() - started) / 1000),
  },
  measures: ms,
  ratios,
}
console.log(`\n${measuresTable(ms)}\n\n${ratiosTable(ratios)}\n`)
for (const f of await writeRun(run, args.readme)) console.log(`wrote ${f}`)
console.log(`bench:peers took ${Math.round((Date.now() - started) / 1000)} s`)
// The broker is stopped; a contender that timed out may still hold a socket or timer: do not wait for it.
process.exit(0)
