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
export * from './gracedb/index.js'
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
