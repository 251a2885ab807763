// Spec: "Skipping server-side processing" — gracedbUpload: false publishes without reserving a graceid;
// skipSupervisor: true asks the server-side supervisor not to complete the upload.
import { writeFile } from 'node:fs/promises'
import { GraceDb } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, serviceUrl } from './settings.js'

await writeFile('coinc.xml', '<?xml version="1.0"?><LIGO_LW><Table Name="coinc_inspiral:table"/></LIGO_LW>\n')
const client = new GraceDb(serviceUrl, { apiVersion: 'v2' })
await using producer = client.createKafkaProducer({ bootstrapServers, caCertPath })

const unreserved = await client.createEvent('Test', 'gstlal', 'coinc.xml', {
  kafka: producer,
  gracedbUpload: false,
})
console.log('gracedbUpload=false graceid:', (await unreserved.json()).graceid) // null: nothing reserved

const skipped = await client.createEvent('Test', 'gstlal', 'coinc.xml', {
  kafka: producer,
  skipSupervisor: true,
})
console.log('skipSupervisor=true graceid:', (await skipped.json()).graceid) // reserved, not uploaded by the supervisor
