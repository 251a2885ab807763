// Spec: "Using the convenience factory" — the client passes its service URL, so topics are namespaced; as in
// ligo-gracedb, the default topic is "test" (<instance>.test) and the token scope gracedb.read.
import { GraceDb } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, serviceUrl } from './settings.js'

const client = new GraceDb(serviceUrl, { apiVersion: 'v2' })
const producer = client.createKafkaProducer({ bootstrapServers, caCertPath })
const report = await producer.produce({ graceid: 'G12345', group: 'Test' })
console.log(`published to ${report.topic}`)
await producer.close()
