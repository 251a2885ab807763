import {
  type BrokerAddress,
  checkBrokerAddress,
  DEFAULT_KAFKA_PORT,
  isParsedBrokerAddress,
} from '@gracedb-kafka/topics'
import { z } from 'zod'
import { InvalidOptionError } from './errors.js'

/**
 * `bootstrapServers` as a caller may write it: `"host:port[,host:port]"`, an array of `"host:port"`, or the
 * already-parsed `{ host, port }` list (what the CLI and `GraceDb.createKafkaProducer` hand down).
 */
export type BootstrapServersInput = string | readonly string[] | readonly BrokerAddress[]

const SHAPE_ERROR = 'expected a "host:port[,host:port]" string or an array of "host:port" strings'
const isAddress = (v: unknown): v is BrokerAddress =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as BrokerAddress).host === 'string' &&
  typeof (v as BrokerAddress).port === 'number'

/**
 * The one parser of the `bootstrapServers` option: one or more brokers, read with the broker-address grammar of
 * `@gracedb-kafka/topics` (host names, IPv4, bracketed IPv6, ports 1-65535), into a `BrokerAddress[]`. An already
 * parsed list (what the CLI hands down) is passed on without parsing it again; `{ host, port }` objects written
 * by hand are checked by the same grammar. Messages never echo user info.
 *
 * @example
 * ```ts
 * bootstrapServersSchema.parse('a.example.org:9092, [::1]:9093')
 * // [{ host: 'a.example.org', port: 9092 }, { host: '::1', port: 9093 }]
 * ```
 */
export const bootstrapServersSchema: z.ZodType<BrokerAddress[], BootstrapServersInput> = z
  .custom<BootstrapServersInput>(
    (v) =>
      typeof v === 'string' ||
      (Array.isArray(v) && (v.every((s) => typeof s === 'string') || v.every(isAddress))),
    { error: SHAPE_ERROR },
  )
  .transform((value, ctx) => {
    const entries = (typeof value === 'string' ? value.split(',') : [...value]).filter(
      (s) => typeof s !== 'string' || s.trim() !== '',
    )
    if (entries.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'expected at least one "host:port" address' })
      return z.NEVER
    }
    const list: BrokerAddress[] = []
    for (const entry of entries) {
      const text = typeof entry === 'string' ? entry : `${entry.host}:${entry.port}`
      const checked = typeof entry === 'string' ? checkBrokerAddress(entry) : addressProblem(entry)
      if (checked.problem !== undefined) {
        const shown = text.includes('@')
          ? ''
          : `, got ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`
        ctx.addIssue({
          code: 'custom',
          message: `expected "host:port"${shown}: ${checked.problem}`,
        })
        return z.NEVER
      }
      list.push(checked.address ?? (entry as BrokerAddress))
    }
    return list
  })

/**
 * An address handed in as an object: one the grammar made is passed on as it is (it was parsed once, and is
 * frozen); one written by hand gets the grammar's checks on its parts. Either way the very object is kept.
 */
function addressProblem(a: BrokerAddress): { problem?: string; address?: BrokerAddress } {
  if (isParsedBrokerAddress(a)) return { address: a }
  const host = a.host.includes(':') ? `[${a.host}]` : a.host
  const { problem } = checkBrokerAddress(`${host}:${a.port}`)
  return problem === undefined && Number.isInteger(a.port)
    ? { address: a }
    : { problem: problem ?? 'bad port' }
}

/**
 * The default SciToken audience for a broker list: the host of the first broker, as ligo-gracedb derives it
 * (`broker_url.split(':')[0]`). This is the one place gracedb-kafka derives an audience from a broker. It takes
 * the parsed list, or what users pass to the auth helpers: `"host[:port][,host2]"`, a list of them, a
 * `kafka://[user@]host[:port]/topic` URL or any `scheme://host`.
 *
 * @throws InvalidOptionError (option `brokerUrl`) when no broker address can be read; user info is never echoed.
 * @example
 * ```ts
 * brokerAudience([{ host: 'kafka.ligo.org', port: 9092 }]) // 'kafka.ligo.org'
 * brokerAudience('kafka://user@kafka.ligo.org:9092/gracedb.test') // 'kafka.ligo.org'
 * brokerAudience('[::1]:9092') // '::1'
 * ```
 */
export function brokerAudience(brokers: BootstrapServersInput | BrokerAddress): string {
  const first: unknown = Array.isArray(brokers) ? brokers[0] : brokers
  if (isAddress(first) && first.host !== '') return first.host
  const fail = (why: string): never => {
    throw new InvalidOptionError(
      'brokerUrl',
      `brokerUrl: ${why}; expected "host:port", a list of them, or a kafka:// URL`,
    )
  }
  if (typeof first !== 'string') return fail('no broker given')
  // A URL's scheme, user info and path are not part of the address.
  let rest = first.trim().replace(/^[A-Za-z][A-Za-z0-9+._-]*:\/\//, '')
  rest = (rest.split(/[/,]/)[0] ?? '').trim()
  rest = rest.slice(rest.lastIndexOf('@') + 1)
  const { address, problem } = checkBrokerAddress(rest, { defaultPort: DEFAULT_KAFKA_PORT })
  if (address) return address.host
  return fail(`cannot find a hostname (${problem})`)
}
