import { accessSync, constants, statSync } from 'node:fs'
import { type BrokerAddress, bootstrapServersSchema } from '@gracedb-kafka/core'
import { parseKafkaUrl } from '@gracedb-kafka/topics'
import { ENV, parseBooleanEnv } from './env-values.js'

export { checkEnvironment, ENV } from './env-values.js'

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

/** The broker and any topics named by `kafka://` URLs, as {@link resolveBroker} finds them. */
export interface ResolvedBroker {
  /** The brokers, parsed once (by core's `bootstrapServersSchema`, or by `parseKafkaUrl` for a URL). */
  bootstrapServers: BrokerAddress[]
  /** Topics named by a kafka:// URL, if any. */
  urlTopics: string[]
}

/** TLS settings after flags and environment variables are combined (see {@link resolveTransport}). */
export interface ResolvedTransport {
  useSsl: boolean
  skipHostnameVerification: boolean
  caCertPath?: string
}

/**
 * Connection settings after flags, environment variables and kafka:// URLs are combined: the one typed value a
 * command hands to the producer or consumer (through `connectionOptions`) without parsing it again.
 */
export interface ResolvedConnection extends ResolvedBroker, ResolvedTransport {
  serviceUrl?: string
  instanceName?: string
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

/** Read a broker list from a flag or variable with core's one schema; a bad one is a usage error naming it. */
function readServers(text: string, from: string): BrokerAddress[] {
  const parsed = bootstrapServersSchema.safeParse(text)
  if (parsed.success) return parsed.data
  throw new UsageError(`${from}: ${parsed.error.issues[0]?.message ?? 'expected "host:port[,host:port]"'}`)
}

/**
 * The broker and any topics named by `kafka://` URLs, resolved once per command: the `--bootstrap-servers` flag,
 * then `GRACEDB_KAFKA_BOOTSTRAP_SERVERS`, then the first `kafka://` URL (from `--url`, `--bootstrap-servers`, a
 * topic option, or `GRACEDB_KAFKA_URL`). The winner is parsed into `{ host, port }` addresses once (core's
 * `bootstrapServersSchema`, or `parseKafkaUrl`, which reads brokers with the same grammar); a malformed one is a
 * {@link UsageError} naming where it came from. `bootstrapServers` is undefined when nothing names a broker.
 *
 * @example
 * ```ts
 * resolveBroker({}, {}, ['kafka://h:9092/test']) // { bootstrapServers: [{ host: 'h', port: 9092 }], urlTopics: ['test'] }
 * ```
 */
export function resolveBroker(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  topicArgs: ReadonlyArray<string | undefined>,
): { bootstrapServers: BrokerAddress[] | undefined; urlTopics: string[] } {
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
  const urlTopics = parsed.flatMap((p) => p.topics)
  const flagServers = isKafkaUrl(flags.bootstrapServers) ? undefined : nonEmpty(flags.bootstrapServers)
  if (flagServers !== undefined) {
    return { bootstrapServers: readServers(flagServers, '--bootstrap-servers'), urlTopics }
  }
  const envServers = nonEmpty(env[ENV.bootstrapServers])
  if (envServers !== undefined) {
    return { bootstrapServers: readServers(envServers, ENV.bootstrapServers), urlTopics }
  }
  return { bootstrapServers: parsed[0]?.brokers, urlTopics }
}

/**
 * The broker as {@link resolveBroker} finds it, or a usage error (exit 2) when none is given: every command that
 * needs a broker resolves it here, so none falls back to a default of its own (ligo-gracedb's command-line
 * helpers have no default broker either).
 *
 * @example
 * ```ts
 * requireBroker({}, { GRACEDB_KAFKA_BOOTSTRAP_SERVERS: 'h:9092' }, []) // { bootstrapServers: [{ host: 'h', port: 9092 }], urlTopics: [] }
 * requireBroker({}, {}, []) // throws UsageError: no Kafka broker ...
 * ```
 */
export function requireBroker(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  topicArgs: ReadonlyArray<string | undefined>,
): ResolvedBroker {
  const { bootstrapServers, urlTopics } = resolveBroker(flags, env, topicArgs)
  if (bootstrapServers === undefined) {
    throw new UsageError(
      `no Kafka broker: pass --bootstrap-servers host:port (or a kafka:// URL) or set ${ENV.bootstrapServers}`,
    )
  }
  return { bootstrapServers, urlTopics }
}

/**
 * TLS settings: flags first, then environment variables. A CA bundle that cannot be read is a usage error,
 * said before any token lookup.
 *
 * @example
 * ```ts
 * resolveTransport({ ssl: false }, {}) // { useSsl: false, skipHostnameVerification: false }
 * ```
 */
export function resolveTransport(flags: ConnectionFlags, env: NodeJS.ProcessEnv): ResolvedTransport {
  const resolved: ResolvedTransport = {
    skipHostnameVerification:
      flags.skipHostnameVerification ??
      parseBooleanEnv(ENV.skipHostnameVerification, env[ENV.skipHostnameVerification]) ??
      false,
    useSsl: flags.ssl === false ? false : (parseBooleanEnv(ENV.useSsl, env[ENV.useSsl]) ?? true),
  }
  const caCertPath = nonEmpty(flags.caCertPath) ?? nonEmpty(env[ENV.caCertPath])
  if (caCertPath !== undefined) {
    if (!isReadableFile(caCertPath)) {
      const from = nonEmpty(flags.caCertPath) !== undefined ? '--ca-cert-path' : ENV.caCertPath
      throw new UsageError(`${from}: ${JSON.stringify(caCertPath)} is not a readable file (a PEM CA bundle)`)
    }
    resolved.caCertPath = caCertPath
  }
  return resolved
}

/**
 * Combine settings: flags first, then environment variables, then a hop-style `kafka://host:port/topic[,topic]`
 * URL (see {@link resolveBroker}).
 *
 * @example
 * ```ts
 * resolveConnection({ bootstrapServers: 'kafka://localhost:9092/test', instanceName: 'gracedb-dev' }, {}, [])
 * // { bootstrapServers: [{ host: 'localhost', port: 9092 }], urlTopics: ['test'], instanceName: 'gracedb-dev', ... }
 * ```
 */
export function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  topicArgs: ReadonlyArray<string | undefined>,
): ResolvedConnection {
  const broker = requireBroker(flags, env, topicArgs)
  const serviceUrl = nonEmpty(flags.serviceUrl) ?? nonEmpty(env[ENV.serviceUrl])
  const instanceName = nonEmpty(flags.instanceName) ?? nonEmpty(env[ENV.instanceName])
  const identity: Pick<ResolvedConnection, 'instanceName' | 'serviceUrl'> = {}
  // A flag beats an environment variable even across the two identity options.
  if (flags.instanceName !== undefined) identity.instanceName = flags.instanceName
  else if (flags.serviceUrl !== undefined) identity.serviceUrl = flags.serviceUrl
  else if (instanceName !== undefined) identity.instanceName = instanceName
  else if (serviceUrl !== undefined) identity.serviceUrl = serviceUrl
  else {
    throw new UsageError(
      `no GraceDB instance: pass --service-url URL or --instance-name NAME, or set ${ENV.serviceUrl} or ${ENV.instanceName}`,
    )
  }
  return { ...broker, ...resolveTransport(flags, env), ...identity }
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

/**
 * The broker and TLS options of a producer or consumer, from resolved settings: the parsed broker list is handed
 * on as it is (the clients' schema keeps the same objects), so nothing parses it again.
 *
 * @example
 * ```ts
 * new GraceDbKafkaProducer({ ...kafkaOptions(broker, transport), instanceName: 'gracedb-dev' })
 * ```
 */
export function kafkaOptions(
  broker: Pick<ResolvedBroker, 'bootstrapServers'>,
  transport: ResolvedTransport,
): {
  bootstrapServers: BrokerAddress[]
  useSsl: boolean
  skipHostnameVerification: boolean
  caCertPath?: string
} {
  return {
    bootstrapServers: broker.bootstrapServers,
    useSsl: transport.useSsl,
    skipHostnameVerification: transport.skipHostnameVerification,
    ...(transport.caCertPath === undefined ? {} : { caCertPath: transport.caCertPath }),
  }
}

/**
 * The producer/consumer connection options for the resolved settings: {@link kafkaOptions} plus the instance.
 *
 * @example
 * ```ts
 * new GraceDbKafkaProducer({ ...connectionOptions(resolveConnection(flags, process.env, [])), reloadCred: false })
 * ```
 */
export function connectionOptions(c: ResolvedConnection): ReturnType<typeof kafkaOptions> & {
  serviceUrl?: string
  instanceName?: string
} {
  return {
    ...kafkaOptions(c, c),
    ...(c.serviceUrl === undefined ? {} : { serviceUrl: c.serviceUrl }),
    ...(c.instanceName === undefined ? {} : { instanceName: c.instanceName }),
  }
}
