// CPU profile of GraceDbKafkaConsumer.stream() alone: fill a topic with N messages of 1 KiB JSON, then read it
// with a fresh group while the V8 profiler runs (only the reading is profiled, not the fill or the broker start).
// Writes a .cpuprofile (open it in Chrome DevTools or speedscope) and prints the top self-time functions.
// The broker runs with the testkit's quick-start JVM (C1 JIT, serial GC, small heap), not the start-script options
// `npm run bench:peers` gives it (bench/peers/setup.ts KAFKA_START_JVM): here the broker is the bottleneck and the
// consumer's thread is mostly idle (82% idle at 17,940 msg/s on 2026-12-03), so read the busy part for where our
// CPU goes, not the rate for how fast the consumer is.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/consumer/profile.ts [count] [partitions] [out]
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { performance } from 'node:perf_hooks'
import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import { fill, setupBench } from './setup.js'

const count = Number(process.argv[2] ?? 100_000)
const partitions = Number(process.argv[3] ?? 1)
const out = process.argv[4] ?? 'consumer-stream.cpuprofile'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Self time per function, as percentages of the profile, largest first. */
function topSelf(profile: Profile, n: number): string[] {
  const byNode = new Map<number, number>()
  for (const [i, id] of profile.samples.entries()) {
    byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  const byName = new Map<string, number>()
  let total = 0
  for (const node of profile.nodes) {
    const t = byNode.get(node.id) ?? 0
    total += t
    const { functionName, url, lineNumber } = node.callFrame
    const where = url.replace(/.*node_modules\//, '').replace(/.*\/(packages|bench)\//, '$1/')
    const key = `${functionName || '(anonymous)'} ${where}${where ? `:${lineNumber + 1}` : ''}`
    byName.set(key, (byName.get(key) ?? 0) + t)
  }
  return [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, t]) => `${((100 * t) / total).toFixed(1).padStart(5)}%  ${key}`)
}

const bench = await setupBench()
try {
  await bench.kafka.createTopic('bench.profile', { partitions })
  await fill(bench, 'bench.profile', count)
  const consumer = new GraceDbKafkaConsumer({
    bootstrapServers: bench.kafka.bootstrapServers,
    instanceName: 'bench',
    caCertPath: bench.kafka.caCertPath,
    groupId: 'bench-profile',
    autoOffsetReset: 'earliest',
  })
  await consumer.subscribe('profile')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 200 })
  await session.post('Profiler.start')
  const t0 = performance.now()
  let seen = 0
  for await (const msg of consumer.stream({ timeout: 1 })) {
    if ((msg.value as { n: number }).n < 0) throw new Error('unexpected value')
    if (++seen === count) break
  }
  const ms = performance.now() - t0
  const { profile } = (await session.post('Profiler.stop')) as { profile: Profile }
  session.disconnect()
  await consumer.close()
  writeFileSync(out, JSON.stringify(profile))
  console.log(
    `${count} messages in ${ms.toFixed(0)} ms: ${Math.round(count / (ms / 1000))} msg/s; profile in ${out}`,
  )
  console.log(topSelf(profile, 35).join('\n'))
} finally {
  await bench.kafka.stop()
}
