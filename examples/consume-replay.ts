// Spec: "Replaying history" — a fresh groupId with autoOffsetReset 'earliest' replays the topic from the start.
import { GraceDbKafkaConsumer } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, serviceUrl } from './settings.js'

await using consumer = new GraceDbKafkaConsumer({
  bootstrapServers,
  topics: 'test',
  serviceUrl,
  groupId: process.env.EXAMPLE_GROUP_ID ?? 'my-replay-group',
  autoOffsetReset: 'earliest',
  caCertPath,
})
for await (const msg of consumer.stream()) {
  console.log(msg)
}
