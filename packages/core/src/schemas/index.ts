export {
  type PingMessage,
  pingMessageSchema,
  REQUIRED_FIELDS,
  type UploadMessage,
  uploadMessageSchema,
} from './messages.js'
export {
  MessageSchemaError,
  type MessageSchemaIssue,
  validateMessage,
  validatePingMessage,
  validateUploadMessage,
} from './validate.js'
