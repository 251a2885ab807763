// Spec: "Error handling" — every Kafka error inherits from KafkaError; each has a stable code.
import {
  GraceDbKafkaProducer,
  KafkaAuthenticationError,
  KafkaConnectionError,
  KafkaError,
  KafkaTokenError,
  KafkaTopicError,
} from 'gracedb-kafka'
import { caCertPath, serviceUrl } from './settings.js'

// A broker that is not there: connecting fails within a bounded time with KafkaConnectionError.
await using producer = new GraceDbKafkaProducer({
  bootstrapServers: '127.0.0.1:1',
  topic: 'test',
  serviceUrl,
  caCertPath,
})
try {
  await producer.produce({ graceid: 'G12345' })
} catch (err) {
  if (err instanceof KafkaTokenError) console.log('no usable SciToken:', err.code)
  else if (err instanceof KafkaAuthenticationError) console.log('authentication failed:', err.code)
  else if (err instanceof KafkaConnectionError) console.log('broker unreachable:', err.code)
  else if (err instanceof KafkaTopicError) console.log('no such topic, or not allowed:', err.topic, err.code)
  else if (err instanceof KafkaError) console.log('other Kafka error:', err.code)
  else throw err
}
