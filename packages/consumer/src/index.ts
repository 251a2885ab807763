export {
  ClientClosedError,
  InvalidOptionError,
  KafkaAuthenticationError,
  KafkaConnectionError,
  KafkaConsumerError,
  KafkaError,
  KafkaTokenError,
  type UploadMessage,
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
export {
  GraceDbMessageError,
  type GraceDbStreamOptions,
  type GraceDbUpload,
  toGraceDbUpload,
} from './gracedb-message.js'
export { generateGroupId } from './group-id.js'
export {
  type AutoOffsetReset,
  type ConsumerOptions,
  type ConsumerOptionsInput,
  type KafkaConsumerSettings,
  parseConsumerOptions,
} from './options.js'
