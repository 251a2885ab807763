import { setTimeout as sleep } from 'node:timers/promises'
import { errorChain, registerSecret, secondsToMs } from '@gracedb-kafka/core'
import { describeError } from './describe-error.js'
import { GraceDbConnectionError, GraceDbHttpError, GraceDbResponseError } from './errors.js'
import { backoffDelay, isConnectionReset, type RetryPolicy } from './retry-policy.js'
import { looksLikeHtml, serverMessage } from './server-message.js'
import { type TransportInit, type TransportResponse, UndiciSender } from './undici-request.js'

/** Supplies the bearer token for a request; `null` means "send no Authorization header". */
export type TokenSupplier = () => Promise<string | null>

/** A request the transport can repeat: the body is rebuilt for every attempt. */
export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT'
  url: string
  body?: () => FormData | URLSearchParams
  signal?: AbortSignal | undefined
}

/** A decoded JSON reply. */
export interface JsonReply {
  status: number
  url: string
  headers: Headers
  body: unknown
}

/** Settings of an {@link HttpTransport}. */
export interface HttpTransportOptions {
  retry: RetryPolicy
  /** Seconds one attempt may take before it is aborted (and retried). */
  requestTimeout: number
  userAgent: string
  /** The GraceDB service URL: the token is only sent to requests on its origin (scheme, host and port). */
  serviceUrl: string
  token: TokenSupplier
  /** Called with the discovery error when no token could be found, so 401/403 errors can explain it. */
  tokenProblem?: () => unknown
  /**
   * Sends every request when given. By default form-encoded and body-less requests go through undici's
   * `request()` on a keep-alive `Agent` of the transport's own ({@link UndiciSender}), and the rest to `fetch`.
   */
  fetch?: typeof fetch
}

type SendFn = (url: string, init: TransportInit) => Promise<TransportResponse>

/**
 * Sends requests to GraceDB: adds the SciToken (looked up once per request, and only for URLs on the service
 * URL's origin, so a link in the API root that points elsewhere never receives it), retries 502/503/504 and connection resets with bounded
 * backoff, and turns replies into JSON or typed errors ({@link GraceDbHttpError}, {@link GraceDbResponseError},
 * {@link GraceDbConnectionError}).
 *
 * @example
 * ```ts
 * const t = new HttpTransport({ retry: DEFAULT_RETRY_POLICY, requestTimeout: 60, userAgent: 'x',
 *   serviceUrl: 'https://gracedb-test.ligo.org/api/', token: async () => null })
 * const root = await t.requestJson({ method: 'GET', url: 'https://gracedb-test.ligo.org/api/' })
 * ```
 */
export class HttpTransport {
  readonly #opts: HttpTransportOptions
  readonly #origin: string
  readonly #sendOnce: SendFn
  readonly #sender: UndiciSender | undefined

  constructor(opts: HttpTransportOptions) {
    this.#opts = opts
    this.#origin = new URL(opts.serviceUrl).origin
    if (opts.fetch) {
      this.#sendOnce = opts.fetch as unknown as SendFn
    } else {
      const sender = new UndiciSender()
      this.#sender = sender
      this.#sendOnce = (url, init) => sender.send(url, init)
    }
  }

  /**
   * Close the transport's keep-alive connections (requests under way finish first). Idempotent; a request sent
   * afterwards goes through `fetch`.
   */
  close(): Promise<void> {
    return this.#sender?.close() ?? Promise.resolve()
  }

  /** Send `req` (with retries) and decode the JSON reply. */
  async requestJson(req: TransportRequest): Promise<JsonReply> {
    if (!URL.canParse(req.url)) {
      // The URL came from the server (a template or link of its API root): a bad one is a bad response.
      throw new GraceDbResponseError(
        `GraceDB's API root gave ${JSON.stringify(req.url.slice(0, 200))}, which is not an absolute URL (${req.method})`,
        { status: 0, url: req.url, contentType: '', snippet: '', code: 'ERR_GRACEDB_BAD_RESPONSE' },
      )
    }
    const sameOrigin = new URL(req.url).origin === this.#origin
    const token = sameOrigin ? await this.#opts.token() : null
    // Whatever supplied it, the token is a secret: an echo of it (a server quoting the Authorization header in
    // an error page) is redacted by value from every message, not only when it looks like a JWT.
    if (token) registerSecret(token)
    const { res, done } = await this.#send(req, token)
    let text: string
    try {
      text = await this.#readBody(req, res)
    } finally {
      done()
    }
    const contentType = res.headers.get('content-type') ?? ''
    if (!res.ok) {
      const message = serverMessage(text, contentType)
      const authFailed = res.status === 401 || res.status === 403
      const problem = authFailed && token === null && sameOrigin ? this.#opts.tokenProblem?.() : undefined
      const suffix = problem
        ? ` (no SciToken was sent: ${describeError(problem)})`
        : authFailed && !sameOrigin
          ? ` (no SciToken was sent: ${this.#origin} is the service's origin, this URL is not on it)`
          : ''
      throw new GraceDbHttpError(
        `GraceDB answered ${res.status} ${res.statusText} to ${req.method} ${req.url}: ${message || '(empty body)'}${suffix}`,
        {
          status: res.status,
          method: req.method,
          url: req.url,
          serverMessage: message,
          body: text,
          cause: problem,
        },
      )
    }
    if (text.trim().length === 0) return { status: res.status, url: req.url, headers: res.headers, body: {} }
    if (looksLikeHtml(text, contentType)) {
      throw new GraceDbResponseError(
        `GraceDB answered ${req.method} ${req.url} with an HTML page instead of JSON ("${serverMessage(text, contentType)}"); is the service URL right, or is a login/proxy page in the way?`,
        { status: res.status, url: req.url, contentType, snippet: text, code: 'ERR_GRACEDB_HTML_RESPONSE' },
      )
    }
    try {
      return { status: res.status, url: req.url, headers: res.headers, body: JSON.parse(text) as unknown }
    } catch (err) {
      throw new GraceDbResponseError(
        `GraceDB answered ${req.method} ${req.url} with a body that is not JSON (content-type "${contentType}")`,
        {
          status: res.status,
          url: req.url,
          contentType,
          snippet: text,
          code: 'ERR_GRACEDB_NOT_JSON',
          cause: err,
        },
      )
    }
  }

  /**
   * Read the whole body under the same timeout signal as the request (the attempt's `requestTimeout` covers
   * headers and body), turning every failure into a GraceDbError: a body that never ends is a timeout, one cut
   * short a connection error, one whose content-encoding does not decode (corrupt gzip) a bad response.
   */
  async #readBody(req: TransportRequest, res: TransportResponse): Promise<string> {
    try {
      return await res.text()
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason
      const chain = errorChain(err)
      const names = chain.map((e) => `${e.name} ${(e as { code?: unknown }).code ?? ''}`).join(' ')
      if (/TimeoutError|AbortError/.test(names)) {
        throw new GraceDbConnectionError(
          `GraceDB's reply to ${req.method} ${req.url} did not arrive in full within ${this.#opts.requestTimeout} s (requestTimeout)`,
          { cause: err, code: 'ERR_GRACEDB_TIMEOUT' },
        )
      }
      const contentType = res.headers.get('content-type') ?? ''
      if (
        /\bZ_[A-Z_]+|ERR__ERROR_|zlib|decompression failed|incorrect header check|invalid (block|distance|code)|unexpected end of file/i.test(
          `${names} ${chain.map((e) => e.message).join(' ')}`,
        )
      ) {
        throw new GraceDbResponseError(
          `GraceDB's reply to ${req.method} ${req.url} could not be decoded (content-encoding "${res.headers.get('content-encoding') ?? ''}"): ${describeError(err)}`,
          {
            status: res.status,
            url: req.url,
            contentType,
            snippet: '',
            code: 'ERR_GRACEDB_BAD_ENCODING',
            cause: err,
          },
        )
      }
      throw new GraceDbConnectionError(
        `GraceDB's reply to ${req.method} ${req.url} was cut short (status ${res.status}): ${describeError(err)}`,
        { cause: err, code: 'ERR_GRACEDB_INCOMPLETE_BODY' },
      )
    }
  }

  /**
   * Send with retries. Resolves to the reply and `done`, which stops the attempt's timeout once the body is read
   * (the timeout covers headers and body).
   */
  async #send(
    req: TransportRequest,
    token: string | null,
  ): Promise<{ res: TransportResponse; done: () => void }> {
    const { retry, requestTimeout, userAgent } = this.#opts
    const doFetch = this.#sendOnce
    const deadline = Date.now() + retry.retryTimeout * 1000
    // Validated and capped at the longest Node timer: a huge requestTimeout means "very long", never a RangeError.
    const timeoutMs = secondsToMs(requestTimeout, 'requestTimeout') ?? 0
    // A plain object: fetch copies it into its own Headers (a Headers built here would be copied again).
    const headers: Record<string, string> = { 'user-agent': userAgent, accept: 'application/json' }
    if (token) headers.authorization = `Bearer ${token}`
    for (let attempt = 0; ; attempt++) {
      const timeout = attemptTimeout(timeoutMs)
      const signal = req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal
      let res: TransportResponse | undefined
      let failure: unknown
      try {
        res = await doFetch(req.url, { method: req.method, headers, body: req.body?.() ?? null, signal })
      } catch (err) {
        timeout.clear()
        if (req.signal?.aborted) throw req.signal.reason
        failure = err
      }
      const retryable = res
        ? retry.retryCodes.includes(res.status)
        : isConnectionReset(failure) || timeout.signal.aborted
      if (!retryable) {
        if (res) return { res, done: timeout.clear }
        throw new GraceDbConnectionError(`cannot reach GraceDB at ${req.url}: ${describeError(failure)}`, {
          cause: failure,
        })
      }
      const wait = backoffDelay(retry, attempt + 1, res?.headers.get('retry-after') ?? null) * 1000
      if (attempt >= retry.retries || Date.now() + wait > deadline) {
        if (res) return { res, done: timeout.clear }
        throw new GraceDbConnectionError(
          `cannot reach GraceDB at ${req.url} after ${attempt + 1} attempt(s): ${describeError(failure)}`,
          { cause: failure },
        )
      }
      if (res) await res.body?.cancel().catch(() => undefined)
      timeout.clear()
      await sleep(wait, undefined, req.signal ? { signal: req.signal } : undefined)
    }
  }
}

/**
 * One attempt's timeout: a signal aborted with a `TimeoutError` after `ms`, as `AbortSignal.timeout(ms)` (whose
 * timer cannot be stopped, and costs more to set up), with `clear` to stop it once the reply is read. The timer
 * does not keep the process alive.
 */
function attemptTimeout(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController()
  const timer = setTimeout(() => {
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))
  }, ms)
  timer.unref()
  return { signal: controller.signal, clear: () => clearTimeout(timer) }
}
