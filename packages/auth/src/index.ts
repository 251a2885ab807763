export {
  ClientClosedError,
  InvalidOptionError,
  KafkaAuthenticationError,
  KafkaError,
  KafkaTokenError,
} from '@gracedb-kafka/core'
export { audienceFromBroker } from './broker-audience.js'
export { CLOCK_SKEW_SECONDS, HTGETTOKEN_HINT, TOKEN_ERROR_CODES, type TokenErrorCode } from './codes.js'
export { decodeToken, type TokenClaims } from './decode-token.js'
export { createOAuthCallback, getScitokenForKafka } from './get-scitoken.js'
export {
  createKafkaTokenProvider,
  type KafkaTokenProvider,
  type KafkaTokenProviderOptions,
} from './kafka-token-provider.js'
export type { OAuthToken } from './oauth-token.js'
export { DEFAULT_MIN_LIFETIME, DEFAULT_REFRESH_BUFFER, DEFAULT_SCOPE, type TokenRequest } from './options.js'
export { SciTokenRefreshManager, type SciTokenRefreshManagerOptions } from './refresh-manager.js'
