// Spec: "Uploading events with Kafka — Basic example": reserve a graceid, then produce the event message.
// With no default topic, the event is routed from group and pipeline: CBC/gstlal -> <instance>.gstlal.
import { GraceDb, GraceDbKafkaProducer } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, coincXml, serviceUrl } from './settings.js'

const client = new GraceDb(serviceUrl, { apiVersion: 'v2' })
const producer = new GraceDbKafkaProducer({ bootstrapServers, serviceUrl, caCertPath })
const response = await client.createEvent('CBC', 'gstlal', 'coinc.xml', {
  filecontents: coincXml,
  search: 'AllSky',
  kafka: producer,
})
// Message is published to <instance>.gstlal
console.log((await response.json()).graceid) // e.g. "G123456"
await producer.close()
