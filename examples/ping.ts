// Spec: "Testing connectivity" — ping() produces a small test message and waits for its delivery.
import { GraceDbKafkaProducer } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, serviceUrl } from './settings.js'

await using producer = new GraceDbKafkaProducer({ bootstrapServers, topic: 'test', serviceUrl, caCertPath })
const result = await producer.ping({ topic: 'test' })
console.log(result)
// { topic: 'gracedb-dev.test', partition: 0, offset: 42, message: { type: 'ping', ... } }
