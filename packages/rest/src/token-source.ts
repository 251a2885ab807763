import { SciTokenRefreshManager } from '@gracedb-kafka/auth'

/** Settings of a {@link RestTokenSource}. */
export interface RestTokenSourceOptions {
  serviceUrl: string
  scope: string
  audience: string
  reloadBuffer: number
  failIfNoauth: boolean
  env?: NodeJS.ProcessEnv | undefined
}

/**
 * Finds the SciToken for GraceDB HTTP requests with @gracedb-kafka/auth (WLCG bearer token discovery), caches
 * it and re-reads it near expiry. Only a token whose audience and scope match is used: unlike the Kafka side
 * there is no direct-read fallback (the reference's HTTP lookup has none), so a token meant for another
 * service (e.g. the broker) is never sent to GraceDB. When none is found the request goes out without
 * credentials (as the reference does) unless `failIfNoauth`; the discovery error is kept to explain a later
 * 401/403.
 *
 * @example
 * ```ts
 * const tokens = new RestTokenSource({ serviceUrl, scope: 'gracedb.read', audience: 'https://gracedb.ligo.org',
 *   reloadBuffer: 300, failIfNoauth: false })
 * const jwt = await tokens.get() // string or null
 * ```
 */
export class RestTokenSource {
  readonly #manager: SciTokenRefreshManager
  readonly #failIfNoauth: boolean
  #problem: unknown

  constructor(opts: RestTokenSourceOptions) {
    const u = new URL(opts.serviceUrl)
    const port = u.port || (u.protocol === 'https:' ? '443' : '80')
    this.#manager = new SciTokenRefreshManager(`${u.hostname}:${port}`, {
      scope: opts.scope,
      audience: opts.audience,
      refreshBuffer: opts.reloadBuffer,
      fallback: false,
      ...(opts.env ? { env: opts.env } : {}),
    })
    this.#failIfNoauth = opts.failIfNoauth
  }

  /** The current token, or `null` when none could be found (and `failIfNoauth` is off). */
  async get(): Promise<string | null> {
    try {
      const token = await this.#manager.getToken()
      this.#problem = undefined
      return token
    } catch (err) {
      if (this.#failIfNoauth) throw err
      this.#problem = err
      return null
    }
  }

  /** Why the last lookup found no token, if it did not. */
  problem(): unknown {
    return this.#problem
  }

  /** Stop the refresh manager. */
  close(): void {
    this.#manager.close()
  }
}
