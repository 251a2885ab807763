// Spec: "Token reloading" — disable proactive reloading (the token is read once, at the first connection).
import { GraceDbKafkaProducer } from 'gracedb-kafka'
import { bootstrapServers, caCertPath, serviceUrl } from './settings.js'

await using producer = new GraceDbKafkaProducer({
  bootstrapServers,
  serviceUrl,
  caCertPath,
  reloadCred: false,
})
const report = await producer.produce('a plain string message', { topic: 'test' })
console.log(`delivered with a token read once: ${report.topic}@${report.offset}`)
