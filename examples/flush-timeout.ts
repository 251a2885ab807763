// Spec: createEvent flushes the producer after publishing; flushTimeout (seconds, default 10) bounds the wait.
import { GraceDbKafkaProducer } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, serviceUrl } from './settings.js'

const producer = new GraceDbKafkaProducer({
  bootstrapServers,
  serviceUrl,
  caCertPath,
  flushTimeout: 30, // wait up to 30s for delivery
})
console.log(`flushTimeout: ${producer.flushTimeout}s`)
await producer.close()
