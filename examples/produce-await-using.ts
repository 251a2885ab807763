// Spec: "The producer also works as a context manager" — `await using` closes (and flushes) it at scope exit.
import { GraceDbKafkaProducer } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, serviceUrl } from './settings.js'

{
  await using producer = new GraceDbKafkaProducer({ bootstrapServers, topic: 'test', serviceUrl, caCertPath })
  producer.produce({ graceid: 'G12345', group: 'CBC' })
  console.log(`queued; pending: ${producer.pendingMessages}`)
}
console.log('closed: every message was delivered before the scope ended')
