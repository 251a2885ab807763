import { redact } from './redact-text.js'

/** Brand shared by every copy of this package, so `instanceof` works across two installed copies. */
const BRAND: unique symbol = Symbol.for('@gracedb-kafka/topic-name-error') as never

/**
 * A topic name, instance name, service URL or `kafka://` URL was rejected.
 *
 * This is the one error type of `@gracedb-kafka/topics`. It extends `TypeError` (where ligo-gracedb raises
 * `ValueError`), carries the stable code `ERR_GRACEDB_KAFKA_TOPIC`, and keeps the offending value in `input`.
 * The message quotes that value and says what is wrong with it. A password found in a `kafka://` URL is
 * replaced by `***` in both `input` and the message, and registered with gracedb-kafka's secret registry; any
 * registered secret (a token the process has read) or JWT-shaped text is redacted from both as well.
 *
 * `instanceof` works even when two copies of the package are installed: the check uses a `Symbol.for` brand.
 *
 * @example
 * ```ts
 * import { makeTopicName, TopicNameError } from '@gracedb-kafka/topics'
 *
 * try {
 *   makeTopicName('gracedb-dev', 'gst lal')
 * } catch (err) {
 *   if (err instanceof TopicNameError) console.error(err.code, err.input, err.message)
 *   // ERR_GRACEDB_KAFKA_TOPIC gst lal makeTopicName("gracedb-dev", "gst lal"): pipeline "gst lal" contains " " ...
 * }
 * ```
 */
export class TopicNameError extends TypeError {
  /** The stable error code, always `'ERR_GRACEDB_KAFKA_TOPIC'`. */
  static readonly code: 'ERR_GRACEDB_KAFKA_TOPIC' = 'ERR_GRACEDB_KAFKA_TOPIC'
  /** The stable error code, always `'ERR_GRACEDB_KAFKA_TOPIC'`. */
  readonly code: 'ERR_GRACEDB_KAFKA_TOPIC' = 'ERR_GRACEDB_KAFKA_TOPIC'
  /** The value that was rejected (a URL's password replaced by `***`). */
  readonly input: string

  constructor(message: string, input: string, options?: { cause?: unknown }) {
    super(redact(message), options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'TopicNameError'
    this.input = redact(input)
    Object.defineProperty(this, BRAND, { value: true, enumerable: false })
  }

  static override [Symbol.hasInstance](instance: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, instance)) return true
    return (
      typeof instance === 'object' && instance !== null && (instance as { [BRAND]?: unknown })[BRAND] === true
    )
  }
}

/**
 * A string for any rejected value, even one `String()` cannot convert (an object without a prototype, a
 * symbol, an object whose `toString` throws).
 */
export function describeInput(value: unknown): string {
  if (typeof value === 'string') return value
  try {
    return String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

/** Quote a value for an error message (JSON string syntax, so control characters stay visible). */
export function quote(value: string): string {
  return JSON.stringify(value)
}
