export {
  type ClientProducerOptions,
  type CreateEventOptions,
  DEFAULT_SERVICE_URL,
  FALLBACK_KAFKA_SERVER,
  GraceDb,
  type KafkaEventProducer,
  type ReserveGraceIdOptions,
  type UploadReservedEventOptions,
} from './client.js'
export {
  type GraceDbOptions,
  type GraceDbOptionsInput,
  gracedbAudience,
  parseGraceDbOptions,
} from './client-options.js'
export { contentId } from './content-id.js'
export {
  type EventFileProblem,
  GraceDbConnectionError,
  GraceDbError,
  type GraceDbErrorOptions,
  GraceDbFileError,
  GraceDbHttpError,
  type GraceDbHttpErrorDetails,
  GraceDbNotSupportedError,
  GraceDbResponseError,
  type GraceDbResponseErrorDetails,
  reservedGraceId,
} from './errors.js'
export { type EventFile, type FileContents, readEventFile } from './event-file.js'
export { guessMimeType } from './mime-type.js'
export { GraceDbResponse, type GraceDbResponseInit, type Via } from './response.js'
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js'
export {
  buildUploadMessage,
  type UploadMessage,
  type UploadMessageInput,
} from './upload-message.js'
