// Spec: "Uploading events with Kafka — Basic example": reserve a graceid, then produce the event message.
// As in ligo-gracedb, createEvent always routes from group and pipeline (CBC/gstlal -> <instance>.gstlal,
// Test -> <instance>.test), whatever the producer's default topic; createKafkaProducer's default is "test".
import { GraceDb } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, coincXml, serviceUrl } from './settings.js'

const client = new GraceDb(serviceUrl, { apiVersion: 'v2' })
const producer = client.createKafkaProducer({ bootstrapServers, caCertPath })
const response = await client.createEvent('CBC', 'gstlal', 'coinc.xml', {
  filecontents: coincXml,
  search: 'AllSky',
  kafka: producer,
})
// Message is published to <instance>.gstlal
console.log((await response.json()).graceid) // e.g. "G123456"
await producer.close()
