// Our consumer for bench/consumer/latency.ts, in its own process like the Python reference's (so that neither
// shares an event loop or a process with the producer): subscribes from 'latest', prints "ready", then records
// receive - send wall-clock time of `count` messages and prints {"samples": [...]}. SIGTERM (the parent's
// "no more messages") ends stream() cleanly and the samples so far are printed.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/consumer/latency-child.ts BOOTSTRAP INSTANCE TOPIC CA COUNT
import { performance } from 'node:perf_hooks'
import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'

const [bootstrapServers = '', instanceName = '', topic = '', caCertPath = '', count = '0'] =
  process.argv.slice(2)
const total = Number(count)
const wallMs = (): number => performance.timeOrigin + performance.now()

await using consumer = new GraceDbKafkaConsumer({ bootstrapServers, instanceName, caCertPath })
await consumer.subscribe(topic)
process.stdout.write('ready\n')
const samples: number[] = []
for await (const msg of consumer.stream({ timeout: 1 })) {
  samples.push(wallMs() - (msg.value as { sentAtWall: number }).sentAtWall)
  if (samples.length === total) break
}
process.stdout.write(`${JSON.stringify({ samples })}\n`)
