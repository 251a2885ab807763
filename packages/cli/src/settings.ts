import { accessSync, constants, statSync } from 'node:fs'
import { parseKafkaUrl } from '@gracedb-kafka/topics'
import { parseBooleanEnv } from './env-values.js'
import { UsageError } from './errors.js'

/** Global connection flags, as commander hands them over. */
export interface ConnectionFlags {
  bootstrapServers?: string
  serviceUrl?: string
  instanceName?: string
  caCertPath?: string
  skipHostnameVerification?: boolean
  ssl?: boolean
  url?: string
}

/** Connection settings after flags, environment variables and kafka:// URLs are combined. */
export interface ResolvedConnection {
  bootstrapServers: string
  serviceUrl?: string
  instanceName?: string
  caCertPath?: string
  skipHostnameVerification: boolean
  useSsl: boolean
  /** Topics named by a kafka:// URL, if any. */
  urlTopics: string[]
}

/** The environment variables the command reads. */
export const ENV: {
  readonly bootstrapServers: 'GRACEDB_KAFKA_BOOTSTRAP_SERVERS'
  readonly serviceUrl: 'GRACEDB_SERVICE_URL'
  readonly instanceName: 'GRACEDB_KAFKA_INSTANCE_NAME'
  readonly caCertPath: 'GRACEDB_KAFKA_CA_CERT_PATH'
  readonly skipHostnameVerification: 'GRACEDB_KAFKA_SKIP_HOSTNAME_VERIFICATION'
  readonly useSsl: 'GRACEDB_KAFKA_USE_SSL'
  readonly url: 'GRACEDB_KAFKA_URL'
} = {
  bootstrapServers: 'GRACEDB_KAFKA_BOOTSTRAP_SERVERS',
  serviceUrl: 'GRACEDB_SERVICE_URL',
  instanceName: 'GRACEDB_KAFKA_INSTANCE_NAME',
  caCertPath: 'GRACEDB_KAFKA_CA_CERT_PATH',
  skipHostnameVerification: 'GRACEDB_KAFKA_SKIP_HOSTNAME_VERIFICATION',
  useSsl: 'GRACEDB_KAFKA_USE_SSL',
  url: 'GRACEDB_KAFKA_URL',
}

const isReadableFile = (path: string): boolean => {
  try {
    accessSync(path, constants.R_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v)

const isKafkaUrl = (v: string | undefined): boolean => typeof v === 'string' && /^\s*kafka:\/\//i.test(v)

/**
 * Check every boolean environment variable the command reads, whether or not this command uses it: a typo in a
 * security setting is a usage error at once, never a silent default.
 *
 * @example
 * ```ts
 * checkEnvironment({ GRACEDB_KAFKA_USE_SSL: 'ture' }) // throws UsageError naming GRACEDB_KAFKA_USE_SSL
 * ```
 */
export function checkEnvironment(env: NodeJS.ProcessEnv): void {
  parseBooleanEnv(ENV.useSsl, env[ENV.useSsl])
  parseBooleanEnv(ENV.skipHostnameVerification, env[ENV.skipHostnameVerification])
}

/**
 * The broker and any topics named by `kafka://` URLs: the `--bootstrap-servers` flag, then
 * `GRACEDB_KAFKA_BOOTSTRAP_SERVERS`, then the first `kafka://` URL (from `--url`, `--bootstrap-servers`, a
 * topic option, or `GRACEDB_KAFKA_URL`). `bootstrapServers` is undefined when none of them names a broker.
 *
 * @example
 * ```ts
 * resolveBroker({}, {}, ['kafka://h:9092/test']) // { bootstrapServers: 'h:9092', urlTopics: ['test'] }
 * ```
 */
export function resolveBroker(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  topicArgs: ReadonlyArray<string | undefined>,
): { bootstrapServers: string | undefined; urlTopics: string[] } {
  // --url and GRACEDB_KAFKA_URL are always kafka:// URLs: anything else there is refused, not ignored.
  const parsed = [
    nonEmpty(flags.url),
    isKafkaUrl(flags.bootstrapServers) ? flags.bootstrapServers : undefined,
    ...topicArgs.filter((t) => isKafkaUrl(t)),
    nonEmpty(env[ENV.url]),
  ]
    .filter((v): v is string => v !== undefined)
    .map((u) => {
      try {
        return parseKafkaUrl(u)
      } catch (err) {
        throw new UsageError((err as Error).message)
      }
    })
  const flagServers = isKafkaUrl(flags.bootstrapServers) ? undefined : nonEmpty(flags.bootstrapServers)
  return {
    bootstrapServers: flagServers ?? nonEmpty(env[ENV.bootstrapServers]) ?? parsed[0]?.brokers.join(','),
    urlTopics: parsed.flatMap((p) => p.topics),
  }
}

/**
 * The broker as {@link resolveBroker} finds it, or a usage error (exit 2) when none is given: every command that
 * needs a broker resolves it here, so none falls back to a default of its own.
 *
 * @example
 * ```ts
 * requireBroker({}, { GRACEDB_KAFKA_BOOTSTRAP_SERVERS: 'h:9092' }, []) // { bootstrapServers: 'h:9092', urlTopics: [] }
 * requireBroker({}, {}, []) // throws UsageError: no Kafka broker ...
 * ```
 */
export function requireBroker(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  topicArgs: ReadonlyArray<string | undefined>,
): { bootstrapServers: string; urlTopics: string[] } {
  const { bootstrapServers, urlTopics } = resolveBroker(flags, env, topicArgs)
  if (bootstrapServers === undefined) {
    throw new UsageError(
      `no Kafka broker: pass --bootstrap-servers host:port (or a kafka:// URL) or set ${ENV.bootstrapServers}`,
    )
  }
  return { bootstrapServers, urlTopics }
}

/**
 * Combine settings: flags first, then environment variables, then a hop-style `kafka://host:port/topic[,topic]`
 * URL (see {@link resolveBroker}).
 *
 * @example
 * ```ts
 * resolveConnection({ bootstrapServers: 'kafka://localhost:9092/test', instanceName: 'gracedb-dev' }, {}, [])
 * // { bootstrapServers: 'localhost:9092', urlTopics: ['test'], instanceName: 'gracedb-dev', ... }
 * ```
 */
export function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  topicArgs: ReadonlyArray<string | undefined>,
): ResolvedConnection {
  const { bootstrapServers, urlTopics } = requireBroker(flags, env, topicArgs)
  const serviceUrl = nonEmpty(flags.serviceUrl) ?? nonEmpty(env[ENV.serviceUrl])
  const instanceName = nonEmpty(flags.instanceName) ?? nonEmpty(env[ENV.instanceName])
  const caCertPath = nonEmpty(flags.caCertPath) ?? nonEmpty(env[ENV.caCertPath])
  const resolved: ResolvedConnection = {
    bootstrapServers,
    skipHostnameVerification:
      flags.skipHostnameVerification ??
      parseBooleanEnv(ENV.skipHostnameVerification, env[ENV.skipHostnameVerification]) ??
      false,
    useSsl: flags.ssl === false ? false : (parseBooleanEnv(ENV.useSsl, env[ENV.useSsl]) ?? true),
    urlTopics,
  }
  // A flag beats an environment variable even across the two identity options.
  if (flags.instanceName !== undefined) resolved.instanceName = flags.instanceName
  else if (flags.serviceUrl !== undefined) resolved.serviceUrl = flags.serviceUrl
  else if (instanceName !== undefined) resolved.instanceName = instanceName
  else if (serviceUrl !== undefined) resolved.serviceUrl = serviceUrl
  else {
    throw new UsageError(
      `no GraceDB instance: pass --service-url URL or --instance-name NAME, or set ${ENV.serviceUrl} or ${ENV.instanceName}`,
    )
  }
  if (caCertPath !== undefined) {
    // A CA bundle that cannot be read is a mistake in the command line, said before any token lookup.
    if (!isReadableFile(caCertPath)) {
      const from = nonEmpty(flags.caCertPath) !== undefined ? '--ca-cert-path' : ENV.caCertPath
      throw new UsageError(`${from}: ${JSON.stringify(caCertPath)} is not a readable file (a PEM CA bundle)`)
    }
    resolved.caCertPath = caCertPath
  }
  return resolved
}

/**
 * The topic list for a command: explicit topics (comma-separated) or, when the option is absent or is itself a
 * `kafka://` URL, the topics the URLs name.
 *
 * @example
 * ```ts
 * topicList('gstlal,cwb', []) // ['gstlal', 'cwb']
 * topicList('kafka://h:9092/test', ['test']) // ['test']
 * ```
 */
export function topicList(value: string | undefined, urlTopics: readonly string[]): string[] {
  if (value !== undefined && !isKafkaUrl(value)) {
    return value
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t.length > 0)
  }
  return [...urlTopics]
}

/**
 * The one topic of a command that writes to one topic (`produce`, `ping`): {@link topicList}'s first entry, or
 * undefined. More than one is a usage error.
 */
export function singleTopic(
  value: string | undefined,
  urlTopics: readonly string[],
  command: string,
): string | undefined {
  const topics = topicList(value, urlTopics)
  if (topics.length > 1) throw new UsageError(`${command} writes to one topic, got ${topics.join(', ')}`)
  return topics[0]
}

/** The producer/consumer connection options for the resolved settings. */
export function connectionOptions(c: ResolvedConnection): {
  bootstrapServers: string
  useSsl: boolean
  skipHostnameVerification: boolean
  caCertPath?: string
  serviceUrl?: string
  instanceName?: string
} {
  return {
    bootstrapServers: c.bootstrapServers,
    useSsl: c.useSsl,
    skipHostnameVerification: c.skipHostnameVerification,
    ...(c.caCertPath === undefined ? {} : { caCertPath: c.caCertPath }),
    ...(c.serviceUrl === undefined ? {} : { serviceUrl: c.serviceUrl }),
    ...(c.instanceName === undefined ? {} : { instanceName: c.instanceName }),
  }
}
