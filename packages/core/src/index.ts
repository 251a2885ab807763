export {
  type BrokerAddress,
  checkBrokerAddress,
  clearSecrets,
  formatBrokerAddress,
  formatBrokerList,
  isRegisteredSecret,
  MIN_SECRET_LENGTH,
  parseBrokerAddress,
  type RegisterSecretOptions,
  redactSecrets,
  registerSecret,
  SECRET_PLACEHOLDER,
} from '@gracedb-kafka/topics'
export { type BootstrapServersInput, bootstrapServersSchema, brokerAudience } from './brokers.js'
export { ClientClosedError, type ClosedClient } from './closed-error.js'
export {
  COMPRESSION_LEVEL_RANGES,
  type CompressionLevelRange,
  checkCompressionLevel,
  levelledCodec,
} from './codecs/level.js'
export { lz4Codec } from './codecs/lz4.js'
export { compressionType, registerCodecs, registerZstdCodec } from './codecs/register.js'
export { snappyCodec } from './codecs/snappy.js'
export {
  COMPRESSION_NAMES,
  type CompressionCodec,
  type CompressionCodecTable,
  type CompressionName,
  type CompressionTypesLike,
  MAX_DECOMPRESSED_BYTES,
} from './codecs/types.js'
export { DEFAULT_ZSTD_LEVEL, zstdCodec } from './codecs/zstd.js'
export { MAX_TIMER_MS, type SecondsToMsOptions, secondsToMs } from './duration.js'
export {
  CodedError,
  type DeliveryTarget,
  InvalidOptionError,
  KafkaAuthenticationError,
  KafkaConnectionError,
  KafkaConsumerError,
  KafkaError,
  type KafkaErrorOptions,
  KafkaMessageDeliveryError,
  KafkaProducerError,
  KafkaTokenError,
  KafkaTopicError,
} from './errors.js'
export {
  type BuildKafkaConfigExtras,
  buildKafkaConfig,
  type KafkaClientConfig,
  type OauthbearerProviderResult,
} from './kafka-config.js'
export { fixSeedBrokerRemoval } from './kafkajs-broker-pool.js'
export { fixFetchDecoding } from './kafkajs-fetch-decoder.js'
export { fixRequestQueueScheduling } from './kafkajs-request-queue.js'
export {
  explicitOrConfig,
  type KafkaClientRole,
  LIBRDKAFKA_KEYS,
  type LibrdkafkaKey,
  type LibrdkafkaKind,
  type LibrdkafkaSettings,
  readLibrdkafkaKeys,
} from './librdkafka-keys.js'
export {
  defaultLogLevel,
  formatLogEntry,
  type KafkaLogEntry,
  KafkaLogLevel,
  redactingLogCreator,
} from './log.js'
export { type ErrorRole, errorChain, type MapErrorContext, toKafkaError } from './map-error.js'
export {
  createOauthBearerAuthenticator,
  type SaslAuthenticationProvider,
  type SaslAuthenticatorArgs,
} from './oauth-authenticator.js'
export { closestOption, tokenScopeProblem } from './option-checks.js'
export {
  type ConnectionOptions,
  type ConnectionOptionsInput,
  type ConnectionOptionsShape,
  clientOptionsSchema,
  connectionOptionsSchema,
  connectionOptionsShape,
  parseOptions,
  refineConnectionOptions,
} from './options.js'
export { redactTokens, redactValue } from './redact.js'
export {
  MessageSchemaError,
  type MessageSchemaIssue,
  type PingMessage,
  pingMessageSchema,
  REQUIRED_FIELDS,
  type UploadMessage,
  uploadMessageSchema,
  validateMessage,
  validatePingMessage,
  validateUploadMessage,
} from './schemas/index.js'
export { serviceAudience } from './service-audience.js'
export { type WithTimeoutOptions, withTimeout } from './with-timeout.js'
