import { InvalidOptionError } from '@gracedb-kafka/core'

/**
 * The default token audience for a broker: its hostname, as ligo-gracedb derives it
 * (`broker_url.split(':')[0]`). Also accepts what users actually pass: a list of brokers or a comma-separated
 * string (the first broker is used), a `kafka://[user@]host[:port]/topic` URL, any `scheme://host`, and a
 * bracketed IPv6 address (`[::1]:9092` gives `::1`).
 *
 * @throws InvalidOptionError (option `brokerUrl`) when no hostname can be found.
 *
 * @example
 * ```ts
 * import { audienceFromBroker } from '@gracedb-kafka/auth'
 *
 * audienceFromBroker('kafka.ligo.org:9092')                          // 'kafka.ligo.org'
 * audienceFromBroker(['b1.example.org:9092', 'b2.example.org:9092']) // 'b1.example.org'
 * audienceFromBroker('kafka://user@kafka.ligo.org:9092/gracedb.test') // 'kafka.ligo.org'
 * ```
 */
export function audienceFromBroker(brokerUrl: string | readonly string[]): string {
  const first =
    typeof brokerUrl === 'string' ? brokerUrl : Array.isArray(brokerUrl) ? brokerUrl[0] : undefined
  if (typeof first !== 'string') {
    throw new InvalidOptionError(
      'brokerUrl',
      'brokerUrl: expected "host:port", a list of them, or a kafka:// URL',
    )
  }
  let rest = first.trim().replace(/^[A-Za-z][A-Za-z0-9+._-]*:\/\//, '')
  rest = (rest.split(/[/,]/)[0] ?? '').trim()
  const at = rest.lastIndexOf('@')
  if (at !== -1) rest = rest.slice(at + 1)
  let host: string
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']')
    host = end === -1 ? '' : rest.slice(1, end)
  } else host = rest.split(':')[0] ?? ''
  if (host === '') {
    throw new InvalidOptionError(
      'brokerUrl',
      `brokerUrl: cannot find a hostname in "${first.slice(0, 200)}"; expected "host:port", a list of them, or a kafka:// URL`,
    )
  }
  return host
}
