// Spec: "Token reloading" — disable proactive reloading: no refresh manager; as in the reference, the token
// is discovered afresh only when the client (re-)authenticates.
import { GraceDbKafkaProducer } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, serviceUrl } from './settings.js'

await using producer = new GraceDbKafkaProducer({
  bootstrapServers,
  serviceUrl,
  caCertPath,
  reloadCred: false,
})
const report = await producer.produce('a plain string message', { topic: 'test' })
console.log(`delivered without proactive token reloading: ${report.topic}@${report.offset}`)
