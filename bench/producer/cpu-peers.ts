// CPU time, not only wall time: our producer and the Python reference (ligo-gracedb / librdkafka) each write
// 100,000 1 KiB messages with their defaults (zstd, guaranteed delivery) to a fresh topic on the bench:peers
// broker, in alternating order; each round prints msg/s and the producer process's CPU time (all its threads:
// the event loop, the thread pool's zstd, librdkafka's threads) during the timed part. Throughput on a shared
// 2-core machine depends on how much of that CPU runs in parallel; CPU per message does not, and says which
// client does less work for the same messages.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/producer/cpu-peers.ts [rounds] [partitions] [level]
//
// `level`: our `compressionLevel` (default: ours, zstd level 1; 3 is the level librdkafka writes).
//
// Ours runs in this process (as in bench:peers), after 1,000 messages of warm-up; its CPU is this process's,
// the broker being another process. The Python side is bench/peers/python/produce.py ("cpu" in its result).
import { timedProduce } from '../peers/node-producer.js'
import { pythonProduce } from '../peers/python-peer.js'
import { median } from '../peers/results.js'
import { KAFKA_START_JVM, type PeersEnv, setupPeers } from '../peers/setup.js'
import { warmUpBroker } from '../peers/warm-up.js'

const rounds = Number(process.argv[2] ?? 5)
const partitions = Number(process.argv[3] ?? 1)
const level = process.argv[4] === undefined ? undefined : Number(process.argv[4])
const COUNT = 100_000

interface Figures {
  rate: number
  cpuMs: number
}

const ours = (env: PeersEnv, topic: string): Promise<Figures> =>
  timedProduce(env, topic, COUNT, { compressionLevel: level })
const python = (env: PeersEnv, topic: string): Promise<Figures> => pythonProduce(env, topic, COUNT, 'default')

const env = await setupPeers({ standIn: false, jvmOptions: KAFKA_START_JVM })
const results: Record<string, Figures[]> = { ours: [], python: [] }
try {
  await warmUpBroker(env, 50_000)
  for (let r = 0; r < rounds; r++) {
    for (const who of r % 2 === 0 ? (['ours', 'python'] as const) : (['python', 'ours'] as const)) {
      const topic = await env.topic(`cpu-${who}-${r}`, partitions)
      const f = await (who === 'ours' ? ours(env, topic) : python(env, topic))
      results[who]!.push(f)
      console.log(`round ${r} ${who}: ${f.rate.toFixed(0)} msg/s, CPU ${f.cpuMs.toFixed(0)} ms`)
      await env.drop(topic)
    }
  }
} finally {
  await env.stop()
}
const mid = (xs: number[]): number => median(xs) ?? Number.NaN
const line = (who: string, xs: number[], unit: string): string =>
  `${who}: median ${mid(xs).toFixed(0)} ${unit} (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`
const levels =
  level === undefined ? 'both defaults: ours level 1, Python level 3' : `ours level ${level}, Python 3`
console.log(`${COUNT} 1 KiB messages, zstd (${levels}), ${partitions} partition(s), ${rounds} rounds`)
for (const [who, f] of Object.entries(results)) {
  console.log(
    line(
      `${who} throughput`,
      f.map((x) => x.rate),
      'msg/s',
    ),
  )
  console.log(
    line(
      `${who} CPU`,
      f.map((x) => x.cpuMs),
      'ms',
    ),
  )
}
const ratio = mid(results.ours!.map((x) => x.cpuMs)) / mid(results.python!.map((x) => x.cpuMs))
console.log(`CPU per message, ours / Python: ${ratio.toFixed(2)}x`)
