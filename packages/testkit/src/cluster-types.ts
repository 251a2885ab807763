import type { AclRule } from './acl.js'
import type { TokenIssuer } from './issuer.js'

/** Options for {@link startKafka}. */
export interface StartKafkaOptions {
  /** `connections.max.reauth.ms`: clients must re-authenticate this often (ms). Default: no forced re-auth. */
  reauthMs?: number
  /** 1 (default) or 3 combined broker+controller nodes. */
  brokers?: 1 | 3
  /** Enable the StandardAuthorizer with these allow rules (an empty list denies every token subject). */
  acls?: AclRule[]
  /** `num.partitions` for auto-created and default-created topics; default 1. */
  partitions?: number
  /** Issue the server certificate for this name only (instead of `localhost` + `127.0.0.1`). */
  certHostname?: string
  /**
   * `auto.create.topics.enable`; default false, as on GraceDB's brokers: create topics with
   * {@link KafkaTestCluster.createTopic} (the GraceDB stand-in creates its instance's topics itself).
   */
  autoCreateTopics?: boolean
  /** Give up if the cluster is not ready after this many ms; default 60 000 (90 000 for 3 brokers). */
  startTimeoutMs?: number
  /** Extra broker settings (`server.properties` keys), applied last. */
  brokerConfig?: Record<string, string | number | boolean>
  /**
   * Broker log levels by logger name, e.g. `{ 'org.apache.kafka.common.security.authenticator.SaslServerAuthenticator': 'DEBUG' }`
   * (each re-authentication is then logged as "Beginning re-authentication"). The rest logs at INFO.
   */
  logLevels?: Record<string, string>
  /** Extra JVM options, appended after the defaults (`-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1`). */
  jvmOptions?: string[]
  /** Where progress lines go; default `console.log`. Pass `() => {}` to silence. */
  log?: (line: string) => void
}

/** Options for {@link KafkaTestCluster.createTopic}. */
export interface CreateTopicOptions {
  /** Partition count; default the broker's `num.partitions`. */
  partitions?: number
  /** Topic-level settings, e.g. `{ 'min.insync.replicas': '2' }`. */
  config?: Record<string, string>
}

/**
 * A running test cluster; see {@link startKafka}. Brokers are addressed by index (0, 1, 2), which is their
 * KRaft node id minus one.
 */
export interface KafkaTestCluster {
  /** SASL_SSL `localhost:port[,localhost:port]`: what GraceDbKafkaProducer/Consumer dial. */
  readonly bootstrapServers: string
  /** PLAINTEXT `localhost:port[,...]`, for setup and checks (kafkajs with no auth; super user). */
  readonly plaintextBootstrapServers: string
  /** PEM file of the throwaway CA that signed the broker certificate. */
  readonly caCertPath: string
  /** The token issuer the broker trusts. */
  readonly issuer: TokenIssuer
  /** The Apache Kafka version running, e.g. `4.1.2`. */
  readonly version: string
  /** Milliseconds to format, launch and get every broker ready (not counting a first-run Maven download). */
  readonly startupMs: number
  /** Number of brokers (1 or 3). */
  readonly size: number
  /** Create a topic over PLAINTEXT and wait until every partition has a leader. Existing topics are fine. */
  createTopic(name: string, opts?: CreateTopicOptions): Promise<void>
  /** Add ACL rules (only when started with `acls`) and wait until the broker has them. */
  addAcls(rules: AclRule[]): Promise<void>
  /** Stop broker `index` (default 0) gracefully (SIGTERM), keeping its data directory and ports. */
  stopBroker(index?: number): Promise<void>
  /** Start broker `index` (default 0) again on the same ports; resolves when it is ready. */
  startBroker(index?: number): Promise<void>
  /**
   * Send broker `index` `signal` (default SIGKILL: no shutdown, no flush) and resolve once its JVM is gone.
   * Its data directory (KRaft metadata, logs) and ports are kept for {@link KafkaTestCluster.restart}.
   */
  kill(index?: number, signal?: NodeJS.Signals): Promise<void>
  /** Start a killed or stopped broker `index` again from its data directory; resolves when it is ready. */
  restart(index?: number): Promise<void>
  /** The index of the broker leading `topic`'s `partition` now, or undefined during an election. */
  leaderOf(topic: string, partition: number): Promise<number | undefined>
  /** The index of the broker that coordinates consumer group `groupId` now. */
  coordinatorOf(groupId: string): Promise<number>
  /** The JVM pid of broker `index` (default 0), or undefined when it is not running. */
  pid(index?: number): number | undefined
  /** Resident memory of broker `index` (default 0) in bytes, or undefined when it is not running. */
  rssBytes(index?: number): number | undefined
  /** The broker log of node `index` (default 0) so far. */
  readLog(index?: number): string
  /** The path of node `index`'s (default 0) broker log file (removed by {@link KafkaTestCluster.stop}). */
  logPath(index?: number): string
  /** Stop every broker and remove all temporary files. Idempotent; resolves in a plain script too. */
  stop(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}
