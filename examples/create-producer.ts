// Spec: "Creating a producer". The topic "test" is namespaced to "<instance>.test".
import { GraceDbKafkaProducer } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, serviceUrl } from './settings.js'

const producer = new GraceDbKafkaProducer({
  bootstrapServers,
  topic: 'test',
  serviceUrl,
  caCertPath,
})
console.log(`producer for ${producer.defaultTopic}`) // defaultTopic is namespaced, as in ligo-gracedb
await producer.close()
