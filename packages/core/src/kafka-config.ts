import { readFileSync } from 'node:fs'
import { formatBrokerAddress } from '@gracedb-kafka/topics'
import { InvalidOptionError } from './errors.js'
import { defaultLogLevel, type KafkaLogEntry, redactingLogCreator } from './log.js'
import { createOauthBearerAuthenticator, type SaslAuthenticationProvider } from './oauth-authenticator.js'
import type { ConnectionOptions } from './options.js'

/** What kafkajs's `sasl.oauthBearerProvider` must resolve to. */
export interface OauthbearerProviderResult {
  value: string
}

/**
 * The subset of kafkajs's `KafkaConfig` gracedb-kafka builds. Declared structurally so this package has no
 * kafkajs dependency, even for types; it is assignable to kafkajs's `KafkaConfig`.
 */
export interface KafkaClientConfig {
  clientId: string
  brokers: string[]
  ssl:
    | boolean
    | {
        ca?: string[]
        rejectUnauthorized: boolean
        checkServerIdentity?: () => undefined
        servername?: string
      }
  /**
   * kafkajs's custom-mechanism form: with an `authenticationProvider` kafkajs never reads `oauthBearerProvider`
   * (see its `saslAuthenticator/index.js`), so none is set.
   */
  sasl: {
    mechanism: 'oauthbearer'
    /** Replaces kafkajs's built-in OAUTHBEARER exchange, so a refused token is an authentication error. */
    authenticationProvider: SaslAuthenticationProvider
  }
  connectionTimeout: number
  authenticationTimeout: number
  requestTimeout: number
  enforceRequestTimeout: boolean
  /** ms before a SASL session ends at which kafkajs re-authenticates (its default, 10 s, is too long). */
  reauthenticationThreshold: number
  retry: { initialRetryTime: number; retries: number; maxRetryTime: number }
  /** kafkajs log level; by default silent unless `NODE_DEBUG=gracedb-kafka` (see `defaultLogLevel`). */
  logLevel?: number
  /** kafkajs log creator; by default `redactingLogCreator`, which strips tokens from every line. */
  logCreator?: (level: number) => (entry: KafkaLogEntry) => void
}

/** Extra knobs for {@link buildKafkaConfig}. */
export interface BuildKafkaConfigExtras {
  clientId: string
  oauthBearerProvider: () => Promise<OauthbearerProviderResult>
  /** Overrides merged last (the spec's `**kafka_config`). */
  kafkaConfig?: Record<string, unknown> | undefined
}

/**
 * Build the kafkajs client configuration for SASL OAUTHBEARER (over TLS when `useSsl`), with token-redacting
 * logs (`redactingLogCreator`, silent unless `NODE_DEBUG=gracedb-kafka`). `extras.kafkaConfig` overrides any
 * key, including `logLevel` and `logCreator`.
 * Reads `caCertPath` once; an unreadable CA file is an {@link InvalidOptionError} naming `caCertPath`.
 *
 * @example
 * ```ts
 * const kafka = new Kafka(buildKafkaConfig(opts, { clientId: 'me', oauthBearerProvider: async () => ({ value: token }) }))
 * ```
 */
export function buildKafkaConfig(
  options: ConnectionOptions,
  extras: BuildKafkaConfigExtras,
): KafkaClientConfig {
  let ssl: KafkaClientConfig['ssl'] = false
  if (options.useSsl) {
    const tls: Exclude<KafkaClientConfig['ssl'], boolean> = { rejectUnauthorized: true }
    if (options.caCertPath !== undefined) {
      try {
        tls.ca = [readFileSync(options.caCertPath, 'utf8')]
      } catch (err) {
        throw new InvalidOptionError(
          'caCertPath',
          `option "caCertPath": cannot read CA file ${options.caCertPath}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        )
      }
    }
    if (options.skipHostnameVerification) tls.checkServerIdentity = () => undefined
    ssl = tls
  }
  const config: KafkaClientConfig = {
    clientId: extras.clientId,
    // The one place the parsed brokers become kafkajs's "host:port" strings.
    brokers: options.bootstrapServers.map(formatBrokerAddress),
    ssl,
    sasl: {
      mechanism: 'oauthbearer',
      authenticationProvider: createOauthBearerAuthenticator(extras.oauthBearerProvider),
    },
    connectionTimeout: 5_000,
    authenticationTimeout: 10_000,
    requestTimeout: 30_000,
    enforceRequestTimeout: true,
    // kafkajs re-authenticates when a session is within this many ms of its end. Its default (10 s) is longer
    // than short sessions (connections.max.reauth.ms, short-lived tokens): it would then re-authenticate before
    // every request and race its own requests (the broker answers ILLEGAL_SASL_STATE).
    reauthenticationThreshold: 2_000,
    retry: { initialRetryTime: 100, retries: 5, maxRetryTime: 5_000 },
    logLevel: defaultLogLevel(),
    logCreator: redactingLogCreator,
  }
  return { ...config, ...(extras.kafkaConfig ?? {}) } as KafkaClientConfig
}
