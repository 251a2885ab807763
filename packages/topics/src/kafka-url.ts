import { type BrokerAddress, checkBrokerAddress } from './broker-address.js'
import { describeInput, quote, TopicNameError } from './errors.js'
import { topicProblem, typeProblem } from './kafka-rules.js'
import { registerSecret } from './secrets.js'

/**
 * The port a broker in a `kafka://` URL gets when it names none (9092).
 *
 * @example
 * ```ts
 * import { DEFAULT_KAFKA_PORT, parseKafkaUrl } from '@gracedb-kafka/topics'
 *
 * parseKafkaUrl('kafka://localhost').brokers[0]?.port === DEFAULT_KAFKA_PORT // true
 * ```
 */
export const DEFAULT_KAFKA_PORT: number = 9092

/**
 * The parts of a hop-style `kafka://` URL, as returned by {@link parseKafkaUrl}.
 *
 * @example
 * ```ts
 * import { type KafkaUrl, parseKafkaUrl } from '@gracedb-kafka/topics'
 *
 * const { username, brokers, topics }: KafkaUrl = parseKafkaUrl('kafka://bob@broker:9093/gracedb.test')
 * ```
 */
export interface KafkaUrl {
  /** The user name before `@`, when one is given (selects which credential to use). */
  username?: string
  /** The brokers, with the default port 9092 filled in (read by the one grammar, `parseBrokerAddress`). */
  brokers: BrokerAddress[]
  /** The topics after the `/`, in order; empty when the URL has no path. */
  topics: string[]
}

/**
 * Parse a hop-style Kafka URL: `kafka://[username@]host[:port][,host2[:port]...][/topic[,topic2...]]`.
 *
 * - The scheme must be `kafka` (any case).
 * - Brokers are separated by commas and read by the one broker-address grammar (`parseBrokerAddress`): a
 *   broker without a port gets 9092; an IPv6 address goes in brackets (`[::1]:9092`). Host names may use
 *   `a-z A-Z 0-9 . _ -`; ports are 1-65535.
 * - The user name is what precedes the last `@`. A password (`user:pw@`) is refused, replaced by `***` in
 *   the error's message and `input` (even when it contains `/`, `:` or `@`), and registered with
 *   gracedb-kafka's secret registry, so it never reaches a log line.
 * - Topics are optional (`kafka://host` and `kafka://host/` give `[]`), separated by commas, each checked
 *   against Kafka's rules. Topics are taken as written (not namespaced).
 * - Surrounding whitespace is ignored; a query (`?`) or fragment (`#`) is refused.
 *
 * @param url - the URL, e.g. `"kafka://alice@kafka.example.org/gracedb-dev.gstlal"`.
 * @returns the user name (when given), the broker list and the topic list.
 * @throws {@link TopicNameError} for a bad scheme, a missing host, a bad port or a bad topic, naming the URL.
 *
 * @example
 * ```ts
 * import { parseKafkaUrl } from '@gracedb-kafka/topics'
 *
 * parseKafkaUrl('kafka://alice@kafka-1.example.org,kafka-2.example.org:9093/gracedb-dev.gstlal,gracedb-dev.cwb')
 * // => { username: 'alice',
 * //      brokers: [{ host: 'kafka-1.example.org', port: 9092 }, { host: 'kafka-2.example.org', port: 9093 }],
 * //      topics: ['gracedb-dev.gstlal', 'gracedb-dev.cwb'] }
 * parseKafkaUrl('kafka://localhost') // => { brokers: [{ host: 'localhost', port: 9092 }], topics: [] }
 * ```
 */
export function parseKafkaUrl(url: string): KafkaUrl {
  const wrongType = typeProblem('url', url)
  if (wrongType) throw new TopicNameError(`parseKafkaUrl: ${wrongType}`, describeInput(url))
  const input = url.trim()
  const { shown, password } = maskPassword(input)
  const fail = (problem: string): never => {
    throw new TopicNameError(`Invalid Kafka URL ${quote(shown)}: ${problem}`, shown)
  }
  if (password) fail('a password does not belong in a kafka:// URL; give only the user name')

  const sep = input.indexOf('://')
  if (sep < 0) fail('expected "kafka://host[:port][,host2[:port]]/topic[,topic2]"')
  const scheme = input.slice(0, sep)
  if (scheme.toLowerCase() !== 'kafka') {
    fail(
      scheme === ''
        ? 'missing scheme; expected "kafka://"'
        : `unsupported scheme ${quote(scheme)}; expected "kafka://"`,
    )
  }
  const rest = input.slice(sep + 3)
  const extra = rest.search(/[?#]/)
  if (extra >= 0) fail(`unexpected ${quote(rest[extra] ?? '')}; kafka:// URLs take no query or fragment`)

  const slash = rest.indexOf('/')
  const authority = slash < 0 ? rest : rest.slice(0, slash)
  const path = slash < 0 ? '' : rest.slice(slash + 1)

  const at = authority.lastIndexOf('@')
  const result: KafkaUrl = { brokers: [], topics: [] }
  if (at >= 0) {
    const username = authority.slice(0, at)
    if (username === '') fail('empty user name before "@"')
    if (/\s/.test(username)) fail(`user name ${quote(username)} contains whitespace`)
    result.username = username
  }
  const hostList = authority.slice(at + 1)
  if (hostList === '') fail('missing host')
  const entries = hostList.split(',')
  entries.forEach((entry, i) => {
    const { address, problem } = checkBrokerAddress(entry, { defaultPort: DEFAULT_KAFKA_PORT })
    if (address) result.brokers.push(address)
    else fail(entries.length > 1 ? `broker ${i + 1} ${quote(entry)}: ${problem}` : problem)
  })

  if (path !== '') {
    for (const topic of path.split(',')) {
      const bad = topicProblem(topic, topic === '' ? 'a topic in the list' : 'topic')
      if (bad) fail(bad)
      result.topics.push(topic)
    }
  }
  return result
}

/**
 * Find user info with a password (`user:password@`) and replace the password by `***`. The password is taken to
 * run from the first `:` after the scheme to the **last** `@` of the whole URL, so one containing `/`, `?`, `#`,
 * `:` or `@` is still masked whole (masking too much is harmless; the URL is refused anyway). The password is
 * registered with gracedb-kafka's secret registry so later messages cannot show it either.
 */
function maskPassword(url: string): { shown: string; password: boolean } {
  // A scheme only when what precedes "://" is one (a password may itself contain "://").
  const sep = url.indexOf('://')
  const start = sep > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(url.slice(0, sep)) ? sep + 3 : 0
  const at = url.lastIndexOf('@')
  if (at < start) return { shown: url, password: false }
  const colon = url.indexOf(':', start)
  if (colon < 0 || colon > at) return { shown: url, password: false }
  const secret = url.slice(colon + 1, at)
  if (secret !== '') registerSecret(secret)
  return { shown: `${url.slice(0, colon + 1)}***${url.slice(at)}`, password: true }
}
