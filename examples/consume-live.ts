// Spec: "Live streaming" — an ephemeral group reading from the end of the topic; Ctrl-C stops it cleanly.
import { GraceDbKafkaConsumer } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, serviceUrl } from './settings.js'

await using consumer = new GraceDbKafkaConsumer({ bootstrapServers, topics: 'test', serviceUrl, caCertPath })
for await (const msg of consumer.stream()) {
  console.log(msg.value)
}
