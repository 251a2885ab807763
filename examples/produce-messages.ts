// Spec: "Producing messages" — produce a dict (object), flush, close.
import { GraceDbKafkaProducer } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, serviceUrl } from './settings.js'

const producer = new GraceDbKafkaProducer({ bootstrapServers, topic: 'test', serviceUrl, caCertPath })

const delivery = producer.produce({ graceid: 'G12345', group: 'CBC' })
const stillQueued = await producer.flush() // wait for delivery confirmation
const report = await delivery
console.log(
  `delivered to ${report.topic} [${report.partition}] @ ${report.offset}; still queued: ${stillQueued}`,
)
await producer.close() // flush remaining messages and release resources
