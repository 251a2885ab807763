import { type BootstrapServersInput, ClientClosedError, KafkaTokenError } from '@gracedb-kafka/core'
import { HTGETTOKEN_HINT, TOKEN_ERROR_CODES } from './codes.js'
import { type DiscoveredToken, discoverToken, type ResolvedRequest } from './discover.js'
import { type OAuthToken, toOAuthToken } from './oauth-token.js'
import { resolveRequest, type TokenRequest } from './options.js'
import { formatTimestamp } from './safe-text.js'

/**
 * Options of {@link SciTokenRefreshManager}: a {@link TokenRequest} plus `refreshBuffer`.
 *
 * @example
 * ```ts
 * const opts: SciTokenRefreshManagerOptions = { scope: 'kafka.consume', refreshBuffer: 600 }
 * ```
 */
export interface SciTokenRefreshManagerOptions extends TokenRequest {
  /** Seconds before `exp` at which the token is discovered again from disk. Default 300. */
  refreshBuffer?: number | undefined
}

/**
 * Keeps a SciToken fresh for a long-running Kafka client (ligo-gracedb's `SciTokenRefreshManager`).
 *
 * The first `getToken()` discovers a token (see {@link getScitokenForKafka}). Later calls return the cached
 * token until it is within `refreshBuffer` seconds of its `exp` claim; from then on each call discovers again
 * from disk, so a token that htgettoken rewrites (e.g. from cron) is picked up without a restart. Concurrent
 * calls share one discovery. If discovery fails while the cached token is still unexpired, the cached token is
 * returned (silently) and discovery is retried on the next call; once it has expired with nothing fresh,
 * `getToken()` rejects with `KafkaTokenError` code `ERR_KAFKA_TOKEN_EXPIRED`.
 *
 * No timers are used: nothing keeps the process alive, and `close()` (idempotent) only drops the cache.
 *
 * @example
 * ```ts
 * import { Kafka } from 'kafkajs'
 * import { SciTokenRefreshManager } from '@gracedb-kafka/auth'
 *
 * const broker = 'kafka.ligo.org:9092'
 * const tokens = new SciTokenRefreshManager(broker, { scope: 'kafka.produce', refreshBuffer: 300 })
 * const kafka = new Kafka({
 *   brokers: [broker],
 *   ssl: true,
 *   sasl: { mechanism: 'oauthbearer', oauthBearerProvider: tokens.createCallback() },
 * })
 * // … on shutdown:
 * tokens.close()
 * ```
 */
export class SciTokenRefreshManager {
  /** The audience tokens must match (the broker hostname unless given). */
  readonly audience: string
  /** The requested scope string. */
  readonly scope: string
  /** Seconds before `exp` at which the token is discovered again. */
  readonly refreshBuffer: number
  readonly #resolve: () => ResolvedRequest
  #current: DiscoveredToken | undefined
  #inflight: Promise<DiscoveredToken> | undefined
  #closed = false

  /**
   * Validates the options; never discovers (so never throws KafkaTokenError).
   *
   * @throws InvalidOptionError for a malformed option.
   */
  constructor(brokerUrl: BootstrapServersInput, opts: SciTokenRefreshManagerOptions = {}) {
    const resolved = resolveRequest(brokerUrl, opts, 'SciTokenRefreshManager')
    this.audience = resolved.audience
    this.scope = resolved.scope
    this.refreshBuffer = resolved.refreshBuffer
    this.#resolve = resolved.resolve
  }

  /** `true` once {@link SciTokenRefreshManager.close} has been called. */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * The current token, discovered again when within `refreshBuffer` seconds of expiry.
   *
   * @throws KafkaTokenError (see the class description).
   *
   * @example
   * ```ts
   * const jwt = await manager.getToken()
   * ```
   */
  async getToken(): Promise<string> {
    return (await this.#get()).token
  }

  /**
   * Like {@link SciTokenRefreshManager.getToken}, with the claims summary kafkajs and logs can use.
   *
   * @example
   * ```ts
   * const { principal, expiresAt, source } = await manager.getTokenInfo()
   * ```
   */
  async getTokenInfo(): Promise<OAuthToken> {
    return toOAuthToken(await this.#get())
  }

  /**
   * A kafkajs `sasl.oauthBearerProvider` backed by this manager (ligo-gracedb's `create_callback`).
   *
   * @example
   * ```ts
   * const sasl = { mechanism: 'oauthbearer', oauthBearerProvider: manager.createCallback() } as const
   * ```
   */
  createCallback(): () => Promise<OAuthToken> {
    return () => this.getTokenInfo()
  }

  /**
   * Forget the cached token; later calls reject with {@link ClientClosedError} (`ERR_CLIENT_CLOSED`, client
   * `'token-manager'`), as a closed producer, consumer or GraceDb client does. Idempotent.
   *
   * @example
   * ```ts
   * manager.close()
   * manager.close() // no-op
   * ```
   */
  close(): void {
    this.#closed = true
    this.#current = undefined
  }

  /** `using manager = new SciTokenRefreshManager(…)` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close()
  }

  /** `await using manager = new SciTokenRefreshManager(…)` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close()
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new ClientClosedError('token-manager', 'SciTokenRefreshManager is closed')
    }
  }

  async #get(): Promise<DiscoveredToken> {
    this.#assertOpen()
    const cached = this.#current
    if (cached !== undefined && cached.claims.exp * 1000 - Date.now() > this.refreshBuffer * 1000)
      return cached
    try {
      const fresh = await this.#discover()
      this.#assertOpen()
      this.#current = fresh
      return fresh
    } catch (err) {
      this.#assertOpen()
      const current = this.#current
      if (current === undefined) throw err
      if (current.claims.exp * 1000 > Date.now()) return current
      const why = err instanceof Error ? ` Rediscovery failed: ${err.message}` : ''
      throw new KafkaTokenError(
        `The SciToken from ${current.label} expired at ${formatTimestamp(current.claims.exp)} and no fresh token was found.${why.endsWith(HTGETTOKEN_HINT) ? why : `${why} ${HTGETTOKEN_HINT}`}`,
        { code: TOKEN_ERROR_CODES.EXPIRED, source: current.source, cause: err },
      )
    }
  }

  #discover(): Promise<DiscoveredToken> {
    if (this.#inflight === undefined) {
      const promise = discoverToken(this.#resolve())
      this.#inflight = promise
      const clear = () => {
        if (this.#inflight === promise) this.#inflight = undefined
      }
      promise.then(clear, clear)
    }
    return this.#inflight
  }
}
