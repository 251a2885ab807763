import { KafkaError, type KafkaErrorOptions } from './errors.js'

/** Which kind of client was used after `close()`. */
export type ClosedClient = 'producer' | 'consumer' | 'gracedb' | 'token-manager'

const DEFAULT_MESSAGES: Readonly<Record<ClosedClient, string>> = {
  producer: 'The producer is closed',
  consumer: 'The consumer is closed',
  gracedb: 'This GraceDb client has been closed',
  'token-manager': 'The SciToken refresh manager is closed',
}

/**
 * A client was used after `close()` (or was closed while the call ran): the one "closed" error of every
 * gracedb-kafka client, code `ERR_CLIENT_CLOSED`. `client` names which one: the producer, the consumer, the
 * GraceDB REST client or a SciToken refresh manager. It is a {@link KafkaError}, so an existing
 * `err instanceof KafkaError` check still catches it.
 *
 * @example
 * ```ts
 * await producer.close()
 * try { producer.produce({ hello: 'world' }) } catch (err) {
 *   if (err instanceof ClientClosedError) console.error(err.client, err.code) // 'producer' 'ERR_CLIENT_CLOSED'
 * }
 * ```
 */
export class ClientClosedError extends KafkaError {
  static override readonly code: string = 'ERR_CLIENT_CLOSED'
  /** The client that was closed. */
  readonly client: ClosedClient

  constructor(client: ClosedClient, message?: string, options: Omit<KafkaErrorOptions, 'code'> = {}) {
    super(message ?? DEFAULT_MESSAGES[client], options.cause === undefined ? {} : { cause: options.cause })
    this.client = client
  }
}
