// Where one fetch cycle of GraceDbKafkaConsumer.stream() goes, from kafkajs's instrumentation events:
//   prep    FETCH_START -> Fetch request sent (REQUEST's sentAt)
//   answer  request sent -> response read (REQUEST's duration: the broker's work, the transfer, TLS on our side)
//   decode  response read -> FETCH (kafkajs parses the records and builds its Batch objects)
//   hand    FETCH -> next FETCH_START (our eachBatch and kafkajs's worker queue)
// plus our event loop's utilisation and the broker JVM's CPU while reading (the broker shares the 2 cores).
// Extra kafkajs consumer settings for an A/B come as JSON in the environment: CYCLE_VARIANTS='[{}, {"maxBytesPerPartition": 4194304}]'.
//
// Implementations to alternate in each round: CYCLE_IMPLS='["@gracedb-kafka/consumer", "./old-src/index.ts"]'.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/consumer/fetch-cycle.ts [count] [partitions] [rounds]
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import type { Consumer } from 'kafkajs'
import { havePython, runPython } from './python.js'
import { fill, setupBench } from './setup.js'

const count = Number(process.argv[2] ?? 100_000)
const partitions = Number(process.argv[3] ?? 1)
const rounds = Number(process.argv[4] ?? 2)
const variants = JSON.parse(process.env.CYCLE_VARIANTS ?? '[{}]') as Record<string, unknown>[]
// Implementations to alternate (an A/B of a code change: a copy of the old src/ under bench/consumer/, not committed)
const impls = JSON.parse(process.env.CYCLE_IMPLS ?? '["@gracedb-kafka/consumer"]') as string[]
const classes = await Promise.all(
  impls.map(async (m) => (await import(m)) as typeof import('@gracedb-kafka/consumer')),
)

/** CPU seconds (user + system) of a process so far, from /proc. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / 100
}

const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)

function watch(kc: Consumer): () => string {
  const prep: number[] = []
  const answer: number[] = []
  const decode: number[] = []
  const hand: number[] = []
  const sizes: number[] = []
  let start = 0
  let fetched = 0
  let sentAt = 0
  let answered = 0
  kc.on(kc.events.FETCH_START, () => {
    const now = Date.now()
    if (fetched > 0) hand.push(now - fetched)
    start = now
  })
  kc.on(kc.events.REQUEST, (e) => {
    if (e.payload.apiName !== 'Fetch') return
    sentAt = e.payload.sentAt
    answered = sentAt + e.payload.duration
    prep.push(sentAt - start)
    answer.push(e.payload.duration)
    sizes.push(e.payload.size)
  })
  kc.on(kc.events.FETCH, () => {
    fetched = Date.now()
    decode.push(fetched - answered)
  })
  const line = (name: string, xs: number[]) => `${name} med ${med(xs)} sum ${sum(xs)}`
  return () =>
    `${answer.length} fetches (med ${Math.round(med(sizes) / 1024)} KiB): ${line('prep', prep)}; ${line('answer', answer)}; ${line('decode', decode)}; ${line('hand', hand)} ms`
}

const bench = await setupBench()
try {
  await bench.kafka.createTopic('bench.cycle', { partitions })
  await fill(bench, 'bench.cycle', count)
  const brokerPid = bench.kafka.pid()
  for (let round = 0; round < rounds; round++) {
    // odd rounds run the implementations in reverse order (no contender always goes first)
    const order = [...classes.keys()]
    if (round % 2 === 1) order.reverse()
    for (const c of order)
      for (const [v, kafkaConfig] of variants.entries()) {
        const { GraceDbKafkaConsumer } = classes[c] as (typeof classes)[number]
        const consumer = new GraceDbKafkaConsumer({
          bootstrapServers: bench.kafka.bootstrapServers,
          instanceName: 'bench',
          caCertPath: bench.kafka.caCertPath,
          groupId: `cycle-${round}-${c}-${v}`,
          autoOffsetReset: 'earliest',
          kafkaConfig,
        })
        await consumer.subscribe('cycle')
        const kc = (consumer as unknown as { engine: { session: { consumer: Consumer } } }).engine.session
          .consumer
        const report = watch(kc)
        let seen = 0
        let t0 = 0
        let elu0 = performance.eventLoopUtilization()
        let cpu0 = 0
        let jvm0 = 0
        for await (const msg of consumer.stream({ timeout: 1 })) {
          if (seen === 0) {
            t0 = performance.now()
            elu0 = performance.eventLoopUtilization()
            cpu0 = process.cpuUsage().user + process.cpuUsage().system
            jvm0 = cpuSeconds(brokerPid)
          }
          if ((msg.value as { n: number }).n < 0) throw new Error('unexpected')
          if (++seen === count) break
        }
        const ms = performance.now() - t0
        const elu = performance.eventLoopUtilization(elu0).utilization
        const cpu = process.cpuUsage()
        const nodeCpu = (cpu.user + cpu.system - cpu0) / 1000 / ms
        const jvmMs = (cpuSeconds(brokerPid) - jvm0) * 1000
        const jvmCpu = jvmMs / ms
        await consumer.close()
        console.log(
          `round ${round} ${impls[c]} ${JSON.stringify(kafkaConfig)}: ${Math.round(count / (ms / 1000))} msg/s; event loop ${(elu * 100).toFixed(0)}% busy, node CPU ${nodeCpu.toFixed(2)}, broker CPU ${jvmCpu.toFixed(2)} cores (${Math.round(jvmMs)} ms); load ${(await import('node:os')).loadavg()[0]?.toFixed(1)}\n  ${report()}`,
        )
      }
    if (process.env.CYCLE_PYTHON === '1' && havePython()) {
      const jvm0 = cpuSeconds(brokerPid)
      const { ms } = await runPython<{ ms: number }>(bench, 'throughput', 'bench.cycle', `py-${round}`, count)
        .result
      const jvmMs = (cpuSeconds(brokerPid) - jvm0) * 1000
      console.log(
        `round ${round} python: ${Math.round(count / (ms / 1000))} msg/s; broker CPU ${Math.round(jvmMs)} ms (whole run, joining included)`,
      )
    }
  }
} finally {
  await bench.kafka.stop()
}
