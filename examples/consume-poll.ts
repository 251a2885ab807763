// Spec: "Polling manually" — subscribe, then poll() in your own loop (here: until Ctrl-C).
import { type ConsumerMessage, GraceDbKafkaConsumer } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, serviceUrl } from './settings.js'

const handle = (msg: ConsumerMessage) => console.log(`${msg.topic}@${msg.offset}`, JSON.stringify(msg.value))

const consumer = new GraceDbKafkaConsumer({ bootstrapServers, serviceUrl, caCertPath })
await consumer.subscribe('test')
let running = true
process.once('SIGINT', () => {
  running = false
})
while (running) {
  const msg = await consumer.poll({ timeout: 1.0 })
  if (msg !== null) handle(msg)
}
await consumer.close()
