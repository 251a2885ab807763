/**
 * gracedb-kafka: the public API of the gracedb-kafka packages in one import. Every name is listed here on
 * purpose; helpers the packages use among themselves (option parsers, zod schemas, kafkajs config builders,
 * codecs) stay in their own package. `api/gracedb-kafka.api.md` records this surface (`npm run api:update`).
 *
 * @example
 * ```ts
 * import { GraceDb, GraceDbKafkaConsumer, GraceDbKafkaProducer, KafkaError } from 'gracedb-kafka'
 * ```
 * @packageDocumentation
 */

// SciTokens: discovery, the kafkajs OAUTHBEARER callback, refresh.
export {
  createOAuthCallback,
  DEFAULT_MIN_LIFETIME,
  DEFAULT_REFRESH_BUFFER,
  DEFAULT_SCOPE,
  decodeToken,
  getScitokenForKafka,
  type OAuthToken,
  SciTokenRefreshManager,
  type SciTokenRefreshManagerOptions,
  TOKEN_ERROR_CODES,
  type TokenClaims,
  type TokenErrorCode,
  type TokenRequest,
} from '@gracedb-kafka/auth'
// Consuming.
export {
  type AutoOffsetReset,
  type ConsumerMessage,
  type ConsumerOptions,
  type ConsumerOptionsInput,
  GraceDbKafkaConsumer,
  GraceDbMessageError,
  type GraceDbStreamOptions,
  type GraceDbUpload,
  type HeaderValue,
  type KafkaConsumerSettings,
  type PollOptions,
  type StreamOptions,
  toGraceDbUpload,
} from '@gracedb-kafka/consumer'
// The error tree (ligo.gracedb.kafka.exceptions), the connection options every client shares, and the message
// schemas (ligo.gracedb.kafka.schema).
export {
  type BootstrapServersInput,
  ClientClosedError,
  type ClosedClient,
  CodedError,
  type CompressionName,
  type ConnectionOptions,
  type ConnectionOptionsInput,
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
  MessageSchemaError,
  type MessageSchemaIssue,
  validateMessage,
  validatePingMessage,
  validateUploadMessage,
} from '@gracedb-kafka/core'
// Producing.
export {
  type DeliveryReport,
  type FlushOptions,
  GraceDbKafkaProducer,
  type PingMessage,
  type PingOptions,
  type PingResult,
  type ProduceHeaders,
  type ProduceOptions,
  type ProducerKafkaConfig,
  type ProducerOptions,
  type ProducerOptionsInput,
  type ProducerTuning,
  type ProduceValue,
} from '@gracedb-kafka/producer'
// The GraceDB REST client's Kafka path (createEvent with reserve + produce).
export {
  type ClientProducerOptions,
  type CreateEventOptions,
  DEFAULT_SERVICE_URL,
  type EventFile,
  type EventFileProblem,
  type FileContents,
  GraceDb,
  GraceDbConnectionError,
  GraceDbError,
  type GraceDbErrorOptions,
  GraceDbFileError,
  GraceDbHttpError,
  type GraceDbHttpErrorDetails,
  GraceDbNotSupportedError,
  type GraceDbOptions,
  type GraceDbOptionsInput,
  GraceDbResponse,
  GraceDbResponseError,
  type GraceDbResponseErrorDetails,
  type GraceDbResponseInit,
  type KafkaEventProducer,
  type ReserveGraceIdOptions,
  type RetryPolicy,
  reservedGraceId,
  type UploadMessage,
  type UploadReservedEventOptions,
  type Via,
} from '@gracedb-kafka/rest'
// Topic names and routing (ligo.gracedb.kafka.utils).
export {
  type BrokerAddress,
  type BrokerAddressOptions,
  deriveInstanceName,
  formatBrokerAddress,
  type KafkaUrl,
  makeTopicName,
  parseBrokerAddress,
  parseKafkaUrl,
  parseTopicName,
  routeEventPipeline,
  routeEventTopic,
  TopicNameError,
} from '@gracedb-kafka/topics'
