export {
  type BrokerAddress,
  type BrokerAddressOptions,
  checkBrokerAddress,
  formatBrokerAddress,
  formatBrokerList,
  isParsedBrokerAddress,
  parseBrokerAddress,
} from './broker-address.js'
export { TopicNameError } from './errors.js'
export { deriveInstanceName } from './instance.js'
export { MAX_TOPIC_LENGTH } from './kafka-rules.js'
export { DEFAULT_KAFKA_PORT, type KafkaUrl, parseKafkaUrl } from './kafka-url.js'
export { routeEventPipeline, routeEventTopic } from './route.js'
export {
  clearSecrets,
  isRegisteredSecret,
  MIN_SECRET_LENGTH,
  type RegisterSecretOptions,
  redactSecrets,
  registerSecret,
  SECRET_PLACEHOLDER,
} from './secrets.js'
export { makeTopicName, parseTopicName } from './topic-name.js'
