export {
  InvalidOptionError,
  KafkaAuthenticationError,
  KafkaConnectionError,
  KafkaConsumerError,
  KafkaError,
  KafkaTokenError,
} from '@gracedb-kafka/core'
export { GraceDbKafkaConsumer, type PollOptions, type StreamOptions } from './consumer.js'
export {
  type ConsumerMessage,
  decodeHeaders,
  decodeKey,
  decodeMessage,
  decodeValue,
  type HeaderValue,
} from './decode.js'
export { generateGroupId } from './group-id.js'
export {
  type AutoOffsetReset,
  type ConsumerOptions,
  type ConsumerOptionsInput,
  type KafkaConsumerSettings,
  parseConsumerOptions,
} from './options.js'
