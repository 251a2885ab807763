// Spec: "HTTP fallback" — if reserving or producing fails, the event is uploaded over plain HTTP instead
// (reusing the reserved graceid when there is one).
import { writeFile } from 'node:fs/promises'
import { GraceDb } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, serviceUrl } from './settings.js'

await writeFile('coinc.xml', '<?xml version="1.0"?><LIGO_LW><Table Name="coinc_inspiral:table"/></LIGO_LW>\n')

const client = new GraceDb(serviceUrl, { apiVersion: 'v2' })
await using producer = client.createKafkaProducer({ bootstrapServers, caCertPath })
const response = await client.createEvent('CBC', 'gstlal', 'coinc.xml', {
  kafka: producer,
  httpFallback: true,
})
console.log((await response.json()).graceid)
