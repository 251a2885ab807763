export {
  type ProducerKafkaConfig,
  type ProducerOptions,
  type ProducerOptionsInput,
  type ProducerTuning,
  parseProducerOptions,
} from './options.js'
export { buildPingMessage, PING_CLIENT, type PingMessage } from './ping.js'
export {
  type DeliveryReport,
  type FlushOptions,
  GraceDbKafkaProducer,
  type PingOptions,
  type PingResult,
  type ProduceOptions,
} from './producer.js'
export { pythonJsonDumps } from './python-json.js'
export type { ProduceHeaders, ProduceValue } from './serialize.js'
