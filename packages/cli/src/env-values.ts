import { UsageError } from './errors.js'

/** The spellings a boolean environment variable accepts (any case, surrounding spaces ignored). */
export const BOOLEAN_SPELLINGS: { readonly true: readonly string[]; readonly false: readonly string[] } = {
  true: ['1', 'true', 'yes'],
  false: ['0', 'false', 'no'],
}

/**
 * Read a boolean environment variable strictly: unset or empty is `undefined` (the documented default applies),
 * `1/true/yes` is true, `0/false/no` is false (any case), anything else is a {@link UsageError} naming the
 * variable, so a typo such as `GRACEDB_KAFKA_USE_SSL=ture` can never turn TLS off.
 *
 * @example
 * ```ts
 * parseBooleanEnv('GRACEDB_KAFKA_USE_SSL', 'No') // false
 * parseBooleanEnv('GRACEDB_KAFKA_USE_SSL', 'ture') // throws UsageError
 * ```
 */
export function parseBooleanEnv(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined
  const v = value.trim().toLowerCase()
  if (v === '') return undefined
  if (BOOLEAN_SPELLINGS.true.includes(v)) return true
  if (BOOLEAN_SPELLINGS.false.includes(v)) return false
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value
  throw new UsageError(
    `${name}=${JSON.stringify(shown)} is not a boolean; use one of ${[...BOOLEAN_SPELLINGS.true, ...BOOLEAN_SPELLINGS.false].join(', ')} (any case), or leave it unset`,
  )
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
