export { type AclOperation, type AclRule, createAcls, toAclEntries } from './acl.js'
export {
  groupCoordinator,
  type PlaintextKafkaOptions,
  partitionLeader,
  plaintextKafka,
  withAdmin,
} from './admin.js'
export { cacheDir, KAFKA_ARTIFACTS, KAFKA_VERSION, resolveKafkaClasspath } from './classpath.js'
export {
  type CreateTopicOptions,
  type KafkaTestCluster,
  type StartKafkaOptions,
  startKafka,
} from './cluster.js'
export {
  STANDIN_GROUPS,
  STANDIN_LABELS,
  STANDIN_PIPELINES,
  STANDIN_SEARCHES,
  serviceInfoDocument,
} from './gracedb/service-info.js'
export {
  type GraceDbStandIn,
  type GraceDbStandInOptions,
  type StandInEndpoint,
  type StandInFault,
  type StandInKafka,
  type StandInRequestLog,
  startGraceDbStandIn,
} from './gracedb/standin.js'
export type { ArrivalVia, Reservation, StoredEvent, SupervisedMessage } from './gracedb/store.js'
export {
  type CreateTokenIssuerOptions,
  createTokenIssuer,
  DEFAULT_SCOPE,
  type IssuerAlgorithm,
  type MintOptions,
  type RotateOptions,
  type Rotation,
  type TokenIssuer,
} from './issuer.js'
export { createTestCertificates, type TestCertificates } from './tls.js'
export { bearerTokenPath, writeBearerTokenFile, writeFileAtomic } from './token-files.js'
