// Spec: "HTTP fallback" — if reserving or producing fails, the event is uploaded over plain HTTP instead
// (reusing the reserved graceid when there is one).
import { GraceDb } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, coincXml, serviceUrl } from './settings.js'

const client = new GraceDb(serviceUrl, { apiVersion: 'v2' })
await using producer = client.createKafkaProducer({ bootstrapServers, caCertPath })
const response = await client.createEvent('CBC', 'gstlal', 'coinc.xml', {
  filecontents: coincXml,
  kafka: producer,
  httpFallback: true,
})
console.log((await response.json()).graceid)
