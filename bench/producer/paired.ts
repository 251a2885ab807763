// Our producer against the producer of another checkout, paired, on the bench:peers broker (Kafka's own JVM
// options, warmed up): each round runs both on fresh topics of each shape, in alternating order, and the end
// prints medians with min-max of msg/s and of the synchronous produce() loop. The way to see whether a producer
// change is faster, on one broker and in one run (a separate run of each differs by more than most changes).
//
//   git archive <commit> packages/producer | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/node_modules
//   BASE=/tmp/base/packages/producer/src/index.ts [ROUNDS=5] [SHAPES=3:zstd,1:zstd,3:none] \
//     node --conditions=@gracedb-kafka/source --import tsx bench/producer/paired.ts
//
// 100,000 1 KiB messages per contender and round after 1,000 of warm-up: produce() un-awaited, then flush().
import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { timedProduce } from '../peers/node-producer.js'
import { median } from '../peers/results.js'
import { KAFKA_START_JVM, setupPeers } from '../peers/setup.js'
import { warmUpBroker } from '../peers/warm-up.js'

const Base = ((await import(process.env.BASE!)) as { GraceDbKafkaProducer: typeof GraceDbKafkaProducer })
  .GraceDbKafkaProducer
const rounds = Number(process.env.ROUNDS ?? 5)
const shapes = (process.env.SHAPES ?? '3:zstd,1:zstd')
  .split(',')
  .map((s) => s.split(':') as [string, 'zstd' | 'none'])
const env = await setupPeers({ standIn: false, jvmOptions: KAFKA_START_JVM })
const res: Record<string, number[]> = {}
const record = (key: string, value: number): void => {
  const list = res[key] ?? []
  list.push(value)
  res[key] = list
}
try {
  await warmUpBroker(env, 50_000)
  let n = 0
  for (let r = 0; r < rounds; r++) {
    for (const [parts, compression] of shapes) {
      const order = r % 2 === 0 ? ['new', 'base'] : ['base', 'new']
      for (const who of order) {
        const topic = await env.topic(`ab-${n++}`, Number(parts))
        const Producer = who === 'new' ? GraceDbKafkaProducer : Base
        const { rate, loopMs: tl } = await timedProduce(env, topic, 100_000, { compression, Producer })
        record(`${parts}p ${compression} ${who}`, rate)
        record(`${parts}p ${compression} ${who} loop-ms`, tl)
        console.log(
          `round ${r} ${parts}p ${compression} ${who}: ${rate.toFixed(0)} msg/s loop ${tl.toFixed(0)} ms`,
        )
        await env.drop(topic)
      }
    }
  }
} finally {
  await env.stop()
}
for (const [k, v] of Object.entries(res))
  console.log(
    `${k}: median ${median(v)?.toFixed(0)} min ${Math.min(...v).toFixed(0)} max ${Math.max(...v).toFixed(0)}`,
  )
