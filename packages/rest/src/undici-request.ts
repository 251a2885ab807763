import { createRequire } from 'node:module'
import type * as Undici from 'undici'
import { codingsOf, headersOf, NULL_BODY_STATUSES, readText } from './reply-body.js'

/** What the transport reads of a reply (a `Response` fits). */
export interface TransportResponse {
  readonly status: number
  readonly statusText: string
  readonly ok: boolean
  readonly headers: Headers
  /** The body decoded as UTF-8 (a BOM dropped, bad sequences replaced), as `Response#text()`. */
  text(): Promise<string>
  /** Discard the body (a reply that is retried). */
  readonly body: { cancel(): Promise<void> } | null
}

/** The request the transport sends: a subset of `fetch`'s `RequestInit`. */
export interface TransportInit {
  method: string
  headers: Record<string, string>
  body: FormData | URLSearchParams | null
  signal: AbortSignal
}

/** What the status-line interceptor keeps of one reply (undici's `request()` gives neither). */
interface ReplyHead {
  statusText: string
  rawHeaders: Buffer[]
}

type HeadersHook = (status: number, raw: Buffer[], resume: () => void, statusText: string) => boolean

const REDIRECTS = new Set([301, 302, 303, 307, 308])
/** Where undici (Node's and npm's) keeps the process-wide dispatcher that `fetch` uses. */
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1')
const FORM_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8'

interface UndiciParts {
  Agent: typeof Undici.Agent
  DecoratorHandler: typeof Undici.DecoratorHandler
  request: (
    this: Undici.Dispatcher,
    opts: Undici.Dispatcher.RequestOptions,
  ) => Promise<Undici.Dispatcher.ResponseData>
}
let undici: UndiciParts | undefined
/**
 * The three parts of undici used here, loaded on first use (a client that only uploads, or has a `fetch` option,
 * never loads them). Not undici's entry point: that installs an undici 6 `Agent` as the process-wide dispatcher
 * when none is set yet, which Node's own `fetch` would then use for every request of the process. undici is
 * pinned to one version, whose file layout the tests check.
 */
function loadUndici(): UndiciParts {
  if (undici) return undici
  const require = createRequire(import.meta.url)
  undici = {
    Agent: require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent,
    DecoratorHandler: require('undici/lib/handler/decorator-handler.js') as typeof Undici.DecoratorHandler,
    request: require('undici/lib/api/api-request.js') as UndiciParts['request'],
  }
  return undici
}

function globalDispatcher(): unknown {
  return (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER]
}

/**
 * An undici `Agent` without connection options and without interceptors: what Node's `fetch` installs for itself
 * (as soon as any of its globals is used), or a plain `new Agent()`. Our own `Agent` sends as that one does. An
 * `Agent` with `connect` / `tls` options (a CA, a client certificate, `rejectUnauthorized`), interceptors, or
 * any other dispatcher (`ProxyAgent`, `EnvHttpProxyAgent`, `MockAgent`) is not.
 */
function isPlainAgent(dispatcher: object): boolean {
  if (dispatcher.constructor?.name !== 'Agent') return false
  const own = dispatcher as Record<symbol, unknown>
  let options: { connect?: unknown; tls?: unknown; interceptors?: unknown } | undefined
  // (Its own `dispatch interceptors` hold undici's redirect handling, there for every Agent; a user's are in
  // `options.interceptors`.)
  for (const key of Object.getOwnPropertySymbols(dispatcher)) {
    if (key.description === 'options') options = own[key] as typeof options
  }
  if (options === undefined || options === null || typeof options !== 'object') return false
  const interceptors = options.interceptors as Record<string, unknown[] | undefined> | undefined
  const hasInterceptors =
    interceptors !== undefined &&
    interceptors !== null &&
    Object.values(interceptors).some((list) => Array.isArray(list) && list.length > 0)
  return options.connect == null && options.tls == null && !hasInterceptors
}

/**
 * `fetch` would not send the request as our own `Agent` does: `NODE_USE_ENV_PROXY` (Node ≥ 22.21/24), or a
 * process-wide dispatcher set with `setGlobalDispatcher` that is not a plain `Agent` (see {@link isPlainAgent}).
 */
function fetchHasOwnDispatch(): boolean {
  if (process.env.NODE_USE_ENV_PROXY || process.execArgv.includes('--use-env-proxy')) return true
  const dispatcher = globalDispatcher()
  if (dispatcher === undefined || dispatcher === null) return false
  if (dispatcher !== lastChecked.dispatcher) {
    lastChecked = { dispatcher, plain: typeof dispatcher === 'object' && isPlainAgent(dispatcher) }
  }
  return !lastChecked.plain
}
/** The last dispatcher {@link fetchHasOwnDispatch} looked at (the slot rarely changes). */
let lastChecked: { dispatcher: unknown; plain: boolean } = { dispatcher: undefined, plain: true }

/**
 * The transport's default sender: a form-encoded POST or a body-less request to an http(s) URL goes through
 * undici's `request()` on a keep-alive `Agent` of its own (a fraction of `fetch`'s CPU per call), with what
 * `fetch` puts on the wire (the same headers in the same order: `accept-language: *`, `sec-fetch-mode: cors`,
 * `accept-encoding` as undici's `fetch`) and what it gives back (status text, `Headers`, gzip/deflate/br bodies
 * decoded as leniently (zstd too where the runtime's `fetch` decodes it), UTF-8 text, `TypeError('fetch failed')` with the socket error as cause, the signal's
 * reason on abort). The rest goes to the global `fetch`: a multipart body (its encoder and boundary stay
 * undici's), another scheme, a URL with user info (which `fetch` refuses), a proxy `fetch` would use
 * (`NODE_USE_ENV_PROXY`), a dispatcher set with `setGlobalDispatcher` other than a plain `Agent` (a `ProxyAgent`,
 * `MockAgent`, an `Agent` with a CA ...), and a redirect, which is sent again through `fetch` so that it follows it.
 *
 * @example
 * ```ts
 * const sender = new UndiciSender()
 * const res = await sender.send('https://gracedb-test.ligo.org/api/', {
 *   method: 'GET', headers: { accept: 'application/json' }, body: null, signal: AbortSignal.timeout(5000) })
 * console.log(res.status, await res.text())
 * await sender.close()
 * ```
 */
export class UndiciSender {
  #dispatcher: Undici.Dispatcher | undefined
  #requestFn: UndiciParts['request'] | undefined
  #closing: Promise<void> | undefined

  /** Send `init` to `url` (see the class). */
  send(url: string, init: TransportInit): Promise<TransportResponse> {
    const { body } = init
    if ((body !== null && !(body instanceof URLSearchParams)) || this.#closing || fetchHasOwnDispatch()) {
      return fetch(url, init)
    }
    const target = new URL(url)
    const secure = target.protocol === 'https:'
    // Another scheme, or user info in the URL (which fetch refuses): fetch's answer, whatever it is.
    if ((!secure && target.protocol !== 'http:') || target.username || target.password)
      return fetch(url, init)
    return this.#request(url, target, secure, init)
  }

  /** Close the keep-alive connections (in-flight requests finish first). Idempotent; later requests go to `fetch`. */
  close(): Promise<void> {
    this.#closing ??= this.#dispatcher ? this.#dispatcher.close() : Promise.resolve()
    return this.#closing
  }

  async #request(url: string, target: URL, secure: boolean, init: TransportInit): Promise<TransportResponse> {
    const { signal } = init
    const text = init.body === null ? undefined : init.body.toString()
    // fetch's header list: the caller's headers, then its own; undici's core writes host and connection first
    // and content-length last, for both.
    const headers: string[] = []
    for (const name in init.headers) headers.push(name, init.headers[name]!)
    if (text !== undefined) headers.push('content-type', FORM_TYPE)
    headers.push('accept-language', '*', 'sec-fetch-mode', 'cors')
    headers.push('accept-encoding', secure ? 'br, gzip, deflate' : 'gzip, deflate')
    const head: ReplyHead = { statusText: '', rawHeaders: [] }
    let reply: Undici.Dispatcher.ResponseData
    try {
      const dispatcher = this.#agent()
      reply = await this.#requestFn!.call(dispatcher, {
        origin: target.origin,
        path: target.pathname + target.search,
        method: init.method as Undici.Dispatcher.HttpMethod,
        headers,
        body: text ?? null,
        signal,
        opaque: head,
      })
    } catch (err) {
      if (signal.aborted) throw signal.reason
      throw new TypeError('fetch failed', { cause: err })
    }
    const status = reply.statusCode
    const replyHeaders = headersOf(head.rawHeaders)
    if (REDIRECTS.has(status) && replyHeaders.has('location')) {
      await reply.body.dump().catch(() => undefined)
      return fetch(url, init)
    }
    let codings: string[] = []
    if (init.method !== 'HEAD' && !NULL_BODY_STATUSES.has(status)) {
      try {
        codings = codingsOf(replyHeaders.get('content-encoding'))
      } catch (err) {
        reply.body.destroy()
        throw new TypeError('fetch failed', { cause: err })
      }
    }
    const reading = readText(reply.body, codings, signal)
    return {
      status,
      statusText: head.statusText,
      ok: status >= 200 && status <= 299,
      headers: replyHeaders,
      text: () => reading,
      body: { cancel: () => reply.body.dump().then(() => undefined) },
    }
  }

  #agent(): Undici.Dispatcher {
    if (this.#dispatcher) return this.#dispatcher
    const { Agent, DecoratorHandler, request } = loadUndici()
    this.#requestFn = request
    // request() gives neither the reason phrase nor the raw header list: this interceptor hands both to the
    // request's `opaque`.
    // (undici's typings declare none of DecoratorHandler's hooks; it forwards each to the handler it wraps.)
    const Decorator = DecoratorHandler as unknown as new (
      handler: Undici.Dispatcher.DispatchHandlers,
    ) => { onHeaders(...args: Parameters<HeadersHook>): boolean }
    class KeepHead extends Decorator {
      readonly #head: ReplyHead
      constructor(handler: Undici.Dispatcher.DispatchHandlers, head: ReplyHead) {
        super(handler)
        this.#head = head
      }
      override onHeaders(status: number, raw: Buffer[], resume: () => void, statusText: string): boolean {
        if (status >= 200) {
          this.#head.statusText = statusText
          this.#head.rawHeaders = raw
        }
        return super.onHeaders(status, raw, resume, statusText)
      }
    }
    const keepHead: Undici.Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) =>
      dispatch(opts, new KeepHead(handler, (opts as unknown as { opaque: ReplyHead }).opaque))
    this.#dispatcher = new Agent().compose(keepHead)
    return this.#dispatcher
  }
}
