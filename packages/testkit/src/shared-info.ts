import type { JWK } from 'jose'

/** What the vitest global setup hands to test workers (plain JSON, so it crosses the worker boundary). */
export interface SharedKafkaInfo {
  bootstrapServers: string
  plaintextBootstrapServers: string
  caCertPath: string
  version: string
  partitions: number
  logPath: string
  /** Milliseconds the broker took to start (see `KafkaTestCluster.startupMs`). */
  startupMs: number
  /** The broker JVM's pid. */
  pid: number
  issuer: { issuer: string; audience: string; privateJwks: JWK[] }
}

/** The `provide`/`inject` key of the shared broker. */
export const SHARED_KAFKA_KEY = 'gracedbKafkaTestkit' as const
