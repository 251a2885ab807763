import type { BrokerAddress } from '@gracedb-kafka/topics'
import { z } from 'zod'
import { type BootstrapServersInput, bootstrapServersSchema } from './brokers.js'
import { InvalidOptionError } from './errors.js'
import { closestOption, knownKeys, sharedProblem } from './option-checks.js'
import { redactTokens } from './redact.js'

/**
 * Connection options after parsing: defaults applied, `bootstrapServers` read once into `{ host, port }`
 * addresses. This is the one typed value the producer, consumer, REST client and CLI hand down unchanged.
 */
export interface ConnectionOptions {
  /** The brokers, parsed once by `bootstrapServersSchema`; kafkajs gets them formatted by `buildKafkaConfig`. */
  bootstrapServers: BrokerAddress[]
  instanceName?: string | undefined
  serviceUrl?: string | undefined
  useSsl: boolean
  caCertPath?: string | undefined
  skipHostnameVerification: boolean
  tokenScope?: string | undefined
  tokenAudience?: string | undefined
  reloadCred: boolean
  reloadBuffer: number
  clientId?: string | undefined
}

/** Connection options as a caller writes them. Durations are in seconds, as in the Python reference. */
export interface ConnectionOptionsInput {
  /**
   * Kafka broker address(es): `"host:port[,host:port]"`, an array of `"host:port"`, or already parsed
   * `{ host, port }` addresses (IPv6 as `"[addr]:port"` in text, without brackets in `host`).
   */
  bootstrapServers: BootstrapServersInput
  /** GraceDB instance name used to namespace topics, e.g. `"gracedb-dev"`. Exactly one of this and `serviceUrl`. */
  instanceName?: string | undefined
  /** GraceDB service URL from which the instance name is derived, e.g. `"https://gracedb-dev.ligo.org/api/"`. */
  serviceUrl?: string | undefined
  /** Enable TLS (default `true`). */
  useSsl?: boolean | undefined
  /** Path to a PEM CA bundle used to verify the broker's certificate. */
  caCertPath?: string | undefined
  /** Skip TLS hostname verification (default `false`). For development, when the certificate names another host. */
  skipHostnameVerification?: boolean | undefined
  /** Required SciToken scope. */
  tokenScope?: string | undefined
  /** Required SciToken audience; defaults to the broker's hostname. */
  tokenAudience?: string | undefined
  /** Proactively reload SciTokens before expiry (default `true`). */
  reloadCred?: boolean | undefined
  /** Seconds before token expiry at which the token is re-read from disk (default 300). */
  reloadBuffer?: number | undefined
  /** Client id reported to the broker (default: a gracedb-kafka id). */
  clientId?: string | undefined
}

/** The zod shape of {@link ConnectionOptionsInput}, for spreading into class-specific schemas. */
export interface ConnectionOptionsShape {
  bootstrapServers: z.ZodType<BrokerAddress[], BootstrapServersInput>
  instanceName: z.ZodOptional<z.ZodString>
  serviceUrl: z.ZodOptional<z.ZodURL>
  useSsl: z.ZodDefault<z.ZodBoolean>
  caCertPath: z.ZodOptional<z.ZodString>
  skipHostnameVerification: z.ZodDefault<z.ZodBoolean>
  tokenScope: z.ZodOptional<z.ZodString>
  tokenAudience: z.ZodOptional<z.ZodString>
  reloadCred: z.ZodDefault<z.ZodBoolean>
  reloadBuffer: z.ZodDefault<z.ZodNumber>
  clientId: z.ZodOptional<z.ZodString>
}

/**
 * The zod fields of the shared connection options. Spread them into a class-specific `z.object`, then
 * apply {@link refineConnectionOptions}.
 *
 * @example
 * ```ts
 * const schema = refineConnectionOptions(z.object({ ...connectionOptionsShape, topic: z.string().optional() }))
 * ```
 */
export const connectionOptionsShape: ConnectionOptionsShape = {
  bootstrapServers: bootstrapServersSchema,
  instanceName: z.string().min(1, { error: 'expected a non-empty instance name' }).optional(),
  serviceUrl: z
    .url({ error: 'expected an absolute URL such as "https://gracedb-dev.ligo.org/api/"' })
    .optional(),
  useSsl: z.boolean({ error: 'expected true or false' }).default(true),
  caCertPath: z
    .string({ error: 'expected a path to a PEM file' })
    .min(1, { error: 'expected a path to a PEM file' })
    .optional(),
  skipHostnameVerification: z.boolean({ error: 'expected true or false' }).default(false),
  tokenScope: z.string({ error: 'expected a scope string such as "kafka.produce"' }).min(1).optional(),
  tokenAudience: z.string({ error: 'expected an audience string' }).min(1).optional(),
  reloadCred: z.boolean({ error: 'expected true or false' }).default(true),
  reloadBuffer: z
    .number({ error: 'expected a number of seconds' })
    .finite()
    .nonnegative({ error: 'expected a number of seconds >= 0' })
    .default(300),
  clientId: z.string().min(1).optional(),
}

/**
 * Add the rule that exactly one of `instanceName` and `serviceUrl` is given.
 *
 * @example
 * ```ts
 * const schema = refineConnectionOptions(z.object({ ...connectionOptionsShape, topic: z.string().optional() }))
 * ```
 */
export function refineConnectionOptions<
  T extends z.ZodType<{ instanceName?: string | undefined; serviceUrl?: string | undefined }>,
>(schema: T): T {
  return schema.superRefine((value, ctx) => {
    const both = value.instanceName !== undefined && value.serviceUrl !== undefined
    const neither = value.instanceName === undefined && value.serviceUrl === undefined
    if (both || neither) {
      ctx.addIssue({
        code: 'custom',
        path: [both ? 'serviceUrl' : 'instanceName'],
        message: both
          ? 'give exactly one of "instanceName" and "serviceUrl", not both'
          : 'give exactly one of "instanceName" and "serviceUrl"',
      })
    }
  }) as T
}

/**
 * A client's options schema: the shared connection fields plus `extra`, unknown keys refused (so a typo is
 * named), and the exactly-one rule of {@link refineConnectionOptions}. The producer and consumer build theirs
 * with it, so both parse the connection options with the same fields.
 *
 * @example
 * ```ts
 * const schema = clientOptionsSchema({ topic: z.string().optional() })
 * parseOptions(schema, { bootstrapServers: 'localhost:9092', instanceName: 'gracedb-dev', topic: 'test' }, 'X')
 * ```
 */
export function clientOptionsSchema<Extra extends z.ZodRawShape>(
  extra: Extra,
): z.ZodObject<ConnectionOptionsShape & Extra, z.core.$strict> {
  const schema = z.strictObject({ ...connectionOptionsShape, ...extra })
  // The refinement keeps the object schema (zod's superRefine returns the same class); the generic shape is
  // beyond what TypeScript can check against refineConnectionOptions' bound.
  return refineConnectionOptions(schema as never) as unknown as typeof schema
}

/**
 * The shared connection options schema: the shared fields (unknown keys refused, so a typo is named) plus the
 * exactly-one rule.
 *
 * @example
 * ```ts
 * const opts = parseOptions(connectionOptionsSchema, { bootstrapServers: 'localhost:9092', instanceName: 'gracedb-dev' }, 'example')
 * opts.useSsl // true
 * ```
 */
export const connectionOptionsSchema: z.ZodType<ConnectionOptions, ConnectionOptionsInput> =
  refineConnectionOptions(z.strictObject(connectionOptionsShape)) as z.ZodType<
    ConnectionOptions,
    ConnectionOptionsInput
  >

/**
 * Validate `input` against `schema` once. On failure throws {@link InvalidOptionError} whose `option` is the
 * exact key at fault: a key the schema does not know is named itself, with a "did you mean" when a known key
 * is close (`bootstrap_servers`, `instancename`, `tokenScop`); a nested one by its dotted path
 * (`topics.2`). The shared checks run on every schema built on {@link connectionOptionsShape}: a `tokenScope`
 * scitokens would refuse (`read` without a path) names `tokenScope`, and a `topic` too long once namespaced
 * names `topic`. The offending value is never echoed (it could be a secret).
 *
 * @param owner - who is validating, used as the message prefix, e.g. `"GraceDbKafkaProducer"`.
 * @example
 * ```ts
 * parseOptions(connectionOptionsSchema, { bootstrapServers: 'x' }, 'GraceDbKafkaProducer')
 * // throws InvalidOptionError: GraceDbKafkaProducer: option "bootstrapServers": expected "host:port" ...
 * parseOptions(connectionOptionsSchema, { bootstrap_servers: 'h:9092', instanceName: 'i' }, 'X')
 * // throws InvalidOptionError (option "bootstrap_servers"): X: unknown option "bootstrap_servers"; did you mean "bootstrapServers"?
 * ```
 */
export function parseOptions<Out, In>(schema: z.ZodType<Out, In>, input: unknown, owner: string): Out {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidOptionError('(options)', `${owner}: expected an options object`)
  }
  let result: ReturnType<typeof schema.safeParse>
  try {
    result = schema.safeParse(input)
  } catch {
    throw new InvalidOptionError(
      '(options)',
      `${owner}: the options object could not be read (a getter threw?)`,
    )
  }
  if (result.success) {
    const shared = sharedProblem(result.data)
    if (shared) {
      throw new InvalidOptionError(shared.option, `${owner}: option "${shared.option}": ${shared.reason}`)
    }
    return result.data
  }
  const issues = result.error.issues
  const unknownKeys = issues.find((i) => i.code === 'unrecognized_keys')
  if (unknownKeys && unknownKeys.code === 'unrecognized_keys') {
    const prefix = unknownKeys.path.map(String)
    const key = String(unknownKeys.keys[0] ?? '')
    // The key is the caller's text: redacted like a message (a token pasted as a key stays hidden).
    const option = redactTokens([...prefix, key].join('.'))
    const hint = prefix.length === 0 ? closestOption(key, knownKeys(schema)) : undefined
    throw new InvalidOptionError(
      option,
      `${owner}: unknown option ${JSON.stringify(option.length > 60 ? `${option.slice(0, 60)}…` : option)}${hint ? `; did you mean "${hint}"?` : ''}`,
    )
  }
  const issue = issues[0]
  const option = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(options)'
  const reason = issue?.message ?? 'invalid'
  throw new InvalidOptionError(option, `${owner}: option "${option}": ${reason}`)
}
