// Spec: "Persisting read position" — a stable groupId resumes from the last committed offset across restarts.
import { GraceDbKafkaConsumer } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, serviceUrl } from './settings.js'

const process_ = (msg: { topic: string; offset: number; value: unknown }) =>
  console.log(`${msg.topic}@${msg.offset}`, JSON.stringify(msg.value))

await using consumer = new GraceDbKafkaConsumer({
  bootstrapServers,
  topics: 'test',
  serviceUrl,
  groupId: process.env.EXAMPLE_GROUP_ID ?? 'my-pipeline-consumer',
  caCertPath,
})
for await (const msg of consumer.stream()) {
  process_(msg)
}
