// CPU cost of produce() alone (serialisation, admission, queueing), without a broker: the producer points at a
// closed port, so nothing is sent while the synchronous loop runs. Prints microseconds per produce() call.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/producer/produce-cpu.ts [messages] [rounds]

import { performance } from 'node:perf_hooks'
import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'

const total = Number(process.argv[2] ?? 100_000)
const rounds = Number(process.argv[3] ?? 5)
const pad = 'x'.repeat(1024 - JSON.stringify({ seq: 0, graceid: 'G000000', pad: '' }).length - 6)
const event = (seq: number): Record<string, unknown> => ({
  seq,
  graceid: `G${String(Math.abs(seq)).padStart(6, '0')}`,
  pad,
})
const perCall: number[] = []
for (let round = 0; round < rounds; round++) {
  const producer = new GraceDbKafkaProducer({
    bootstrapServers: '127.0.0.1:9',
    instanceName: 'bench',
    topic: 'cpu',
    useSsl: false,
    validateToken: false,
    checkForTopics: false,
    reloadCred: false,
  })
  const t0 = performance.now()
  for (let i = 0; i < total; i++) producer.produce(event(i))
  perCall.push(((performance.now() - t0) * 1000) / total)
  await producer.close(0).catch(() => {})
}
const sorted = [...perCall].sort((a, b) => a - b)
console.log(
  `produce() of 1 KiB JSON: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} µs/call ` +
    `(min ${sorted[0]!.toFixed(2)}, max ${sorted[sorted.length - 1]!.toFixed(2)}; ${rounds} rounds of ${total})`,
)
