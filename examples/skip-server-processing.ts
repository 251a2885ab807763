// Spec: "Skipping server-side processing" — gracedbUpload: false publishes without reserving a graceid;
// skipSupervisor: true asks the server-side supervisor not to complete the upload.
import { GraceDb } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, coincXml, serviceUrl } from './settings.js'

const client = new GraceDb(serviceUrl, { apiVersion: 'v2' })
await using producer = client.createKafkaProducer({ bootstrapServers, caCertPath })

const unreserved = await client.createEvent('Test', 'gstlal', 'coinc.xml', {
  filecontents: coincXml,
  kafka: producer,
  gracedbUpload: false,
})
console.log('gracedbUpload=false graceid:', (await unreserved.json()).graceid) // null: nothing reserved

const skipped = await client.createEvent('Test', 'gstlal', 'coinc.xml', {
  filecontents: coincXml,
  kafka: producer,
  skipSupervisor: true,
})
console.log('skipSupervisor=true graceid:', (await skipped.json()).graceid) // reserved, not uploaded by the supervisor
