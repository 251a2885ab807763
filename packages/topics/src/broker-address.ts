import { describeInput, quote, TopicNameError } from './errors.js'

/**
 * One Kafka broker: a host name, an IPv4 address or an IPv6 address (without brackets), and a port.
 *
 * @example
 * ```ts
 * import { type BrokerAddress, parseBrokerAddress } from '@gracedb-kafka/topics'
 *
 * const broker: BrokerAddress = parseBrokerAddress('kafka.ligo.org:9092') // { host: 'kafka.ligo.org', port: 9092 }
 * ```
 */
export interface BrokerAddress {
  /** Host name or IP address; an IPv6 address is kept without its brackets (`::1`). */
  readonly host: string
  /** TCP port, 1-65535. */
  readonly port: number
}

/**
 * How to read a broker address with {@link parseBrokerAddress} (or `checkBrokerAddress`).
 *
 * @example
 * ```ts
 * import { parseBrokerAddress } from '@gracedb-kafka/topics'
 *
 * parseBrokerAddress('localhost', { defaultPort: 9092 }) // { host: 'localhost', port: 9092 }
 * ```
 */
export interface BrokerAddressOptions {
  /** The port of an address that names none; without it a port is required. */
  defaultPort?: number | undefined
}

/** Addresses this grammar made (frozen), shared by every copy of the package through `Symbol.for`. */
const MADE_KEY = Symbol.for('@gracedb-kafka/broker-addresses')
function madeAddresses(): WeakSet<object> {
  const g = globalThis as { [MADE_KEY]?: WeakSet<object> }
  g[MADE_KEY] ??= new WeakSet<object>()
  return g[MADE_KEY]
}
function made(host: string, port: number): BrokerAddress {
  const address = Object.freeze({ host, port })
  madeAddresses().add(address)
  return address
}

/**
 * Whether `value` is an address the broker-address grammar itself produced (they are frozen, so still valid):
 * the schema of the connection options hands such an address on without checking it again.
 *
 * @example
 * ```ts
 * import { isParsedBrokerAddress, parseBrokerAddress } from '@gracedb-kafka/topics'
 *
 * isParsedBrokerAddress(parseBrokerAddress('h:1')) // true
 * isParsedBrokerAddress({ host: 'h', port: 1 })    // false: written by hand, so checked where it is used
 * ```
 */
export function isParsedBrokerAddress(value: unknown): boolean {
  return typeof value === 'object' && value !== null && madeAddresses().has(value)
}

const HOSTNAME = /^[A-Za-z0-9._-]+$/
const IPV6 = /^[0-9A-Fa-f:.]+$/
const PORT_PROBLEM = 'expected a port from 1 to 65535'

/**
 * Read one `host:port` (IPv6 as `[addr]:port`) with the one broker-address grammar of gracedb-kafka, without
 * throwing: the address, or what is wrong with it. Host names may use `a-z A-Z 0-9 . _ -`; ports are 1-65535.
 * The problem never quotes user info (`user@`, `user:password@`), which does not belong in an address.
 *
 * @example
 * ```ts
 * import { checkBrokerAddress } from '@gracedb-kafka/topics'
 *
 * checkBrokerAddress('[::1]:9093') // { address: { host: '::1', port: 9093 } }
 * checkBrokerAddress('kafka:0')    // { problem: 'bad port "0"; expected a port from 1 to 65535' }
 * ```
 */
export function checkBrokerAddress(
  text: string,
  options: BrokerAddressOptions = {},
): { address: BrokerAddress; problem?: undefined } | { problem: string; address?: undefined } {
  const fail = (problem: string) => ({ problem })
  const entry = text.trim()
  if (entry === '') return fail('missing host')
  if (entry.includes('@')) {
    return fail('user info ("user@" or "user:password@") does not belong in a broker address')
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(entry)) {
    return fail('a URL scheme does not belong in a broker address; give "host:port"')
  }
  let host: string
  let portText: string | undefined
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']')
    if (close < 0) return fail('missing "]" after IPv6 address')
    host = entry.slice(1, close)
    const after = entry.slice(close + 1)
    if (after !== '') {
      if (!after.startsWith(':')) return fail(`unexpected ${quote(after)} after "]"`)
      portText = after.slice(1)
    }
    if (host === '') return fail('missing host')
    if (!IPV6.test(host) || !host.includes(':')) return fail(`${quote(host)} is not an IPv6 address`)
  } else {
    const colons = entry.split(':').length - 1
    if (colons > 1) return fail('IPv6 addresses must be written in brackets, e.g. "[::1]:9092"')
    const colon = entry.indexOf(':')
    host = colon < 0 ? entry : entry.slice(0, colon)
    portText = colon < 0 ? undefined : entry.slice(colon + 1)
    if (host === '') return fail('missing host')
    if (!HOSTNAME.test(host)) {
      const ch = [...host].find((c) => !HOSTNAME.test(c)) ?? ''
      return fail(
        `host ${quote(host)} contains ${quote(ch)}; host names allow only a-z, A-Z, 0-9, ".", "_" and "-"`,
      )
    }
  }
  if (portText === undefined) {
    if (options.defaultPort === undefined) return fail(`missing port; ${PORT_PROBLEM}`)
    return { address: made(host, options.defaultPort) }
  }
  const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : 0
  if (port < 1 || port > 65535) return fail(`bad port ${quote(portText)}; ${PORT_PROBLEM}`)
  return { address: made(host, port) }
}

/**
 * Parse one broker address (`host:port`, `[ipv6]:port`) with the one grammar of gracedb-kafka.
 *
 * @throws {@link TopicNameError} saying what is wrong (never echoing user info).
 * @example
 * ```ts
 * import { parseBrokerAddress } from '@gracedb-kafka/topics'
 *
 * parseBrokerAddress('10.0.0.1:9092') // { host: '10.0.0.1', port: 9092 }
 * parseBrokerAddress('[::1]:9092')    // { host: '::1', port: 9092 }
 * ```
 */
export function parseBrokerAddress(text: string, options: BrokerAddressOptions = {}): BrokerAddress {
  if (typeof text !== 'string') {
    throw new TopicNameError('parseBrokerAddress: expected a "host:port" string', describeInput(text))
  }
  const checked = checkBrokerAddress(text, options)
  if (checked.address) return checked.address
  const shown = text.includes('@') ? '(an address with user info)' : text
  throw new TopicNameError(`Invalid broker address ${quote(shown)}: ${checked.problem}`, shown)
}

/**
 * Format a broker address as kafkajs and ligo-gracedb write it: `host:port`, an IPv6 host in brackets.
 *
 * @example
 * ```ts
 * import { formatBrokerAddress } from '@gracedb-kafka/topics'
 *
 * formatBrokerAddress({ host: '::1', port: 9092 }) // '[::1]:9092'
 * ```
 */
export function formatBrokerAddress(address: BrokerAddress): string {
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`
}

/**
 * Format a broker list as ligo-gracedb's `bootstrap_servers` string: `host:port[,host:port]`.
 *
 * @example
 * ```ts
 * import { formatBrokerList } from '@gracedb-kafka/topics'
 *
 * formatBrokerList([{ host: 'a', port: 1 }, { host: 'b', port: 2 }]) // 'a:1,b:2'
 * ```
 */
export function formatBrokerList(addresses: readonly BrokerAddress[]): string {
  return addresses.map(formatBrokerAddress).join(',')
}
