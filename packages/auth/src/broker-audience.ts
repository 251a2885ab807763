import { type BootstrapServersInput, type BrokerAddress, brokerAudience } from '@gracedb-kafka/core'

/**
 * The default token audience for a broker: its hostname, as ligo-gracedb derives it
 * (`broker_url.split(':')[0]`). This is core's `brokerAudience`, the one place gracedb-kafka derives an audience
 * from a broker, under auth's name. It accepts the parsed `{ host, port }` list the clients hand down, and what
 * users pass: a list of brokers or a comma-separated string (the first broker is used), a
 * `kafka://[user@]host[:port]/topic` URL, any `scheme://host`, and a bracketed IPv6 address (`[::1]:9092`
 * gives `::1`).
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
 * audienceFromBroker([{ host: 'kafka.ligo.org', port: 9092 }])      // 'kafka.ligo.org'
 * ```
 */
export function audienceFromBroker(brokerUrl: BootstrapServersInput | BrokerAddress): string {
  return brokerAudience(brokerUrl)
}
