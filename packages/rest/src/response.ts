/** How an event reached GraceDB. */
export type Via = 'kafka' | 'http'

/** What a {@link GraceDbResponse} is built from. */
export interface GraceDbResponseInit {
  status: number | null
  url: string | null
  headers?: Headers
  body: unknown
  via?: Via
  graceid?: string | null
  /** Where the Kafka message went, when the event went over Kafka. */
  delivery?: { topic: string; partition: number; offset: number } | null
  /** Why the Kafka path was abandoned, when an HTTP fallback was used. */
  fallbackCause?: unknown
}

/**
 * The result of a GraceDB call, shaped like the reference's `requests.Response`: `status` and `json()`.
 * For `createEvent` it also says how the event travelled (`via`), its `graceid`, the Kafka `delivery` report,
 * and `fallbackCause` when the HTTP fallback was taken.
 *
 * @example
 * ```ts
 * const r = await client.createEvent('CBC', 'gstlal', 'coinc.xml', { kafka: producer })
 * r.json().graceid // 'G123456', as response.json()["graceid"] in Python
 * r.via            // 'kafka'
 * ```
 */
export class GraceDbResponse<T = Record<string, unknown>> {
  /** HTTP status of the last HTTP exchange (`null` when nothing was sent over HTTP). */
  readonly status: number | null
  /** URL of the last HTTP exchange. */
  readonly url: string | null
  /** Response headers of the last HTTP exchange. */
  readonly headers: Headers
  /** How the event reached GraceDB (`createEvent` only; plain requests say `http`). */
  readonly via: Via
  /** The graceid, when there is one. */
  readonly graceid: string | null
  /** Kafka delivery report (topic, partition, offset) when the message was published. */
  readonly delivery: { topic: string; partition: number; offset: number } | null
  /** The error that made `createEvent` fall back to HTTP, if it did. */
  readonly fallbackCause: unknown
  readonly #body: unknown

  constructor(init: GraceDbResponseInit) {
    this.status = init.status
    this.url = init.url
    this.headers = init.headers ?? new Headers()
    this.via = init.via ?? 'http'
    this.#body = init.body
    const bodyId = (init.body as { graceid?: unknown } | null)?.graceid
    this.graceid = init.graceid !== undefined ? init.graceid : typeof bodyId === 'string' ? bodyId : null
    this.delivery = init.delivery ?? null
    this.fallbackCause = init.fallbackCause
  }

  /** The parsed JSON body (a fresh deep copy each call). */
  json(): T {
    return structuredClone(this.#body) as T
  }
}

/**
 * The {@link GraceDbResponse} of an HTTP exchange: its status and headers, the request URL and `body`, with
 * `via: 'http'` and any of `graceid` / `fallbackCause`.
 *
 * @example
 * ```ts
 * const r = httpResponse(reply, url, reply.body, { graceid: 'G123' })
 * ```
 */
export function httpResponse(
  reply: { status: number | null; headers: Headers },
  url: string | null,
  body: unknown,
  extra: Pick<GraceDbResponseInit, 'graceid' | 'fallbackCause'> = {},
): GraceDbResponse {
  return new GraceDbResponse({
    status: reply.status,
    url,
    headers: reply.headers,
    body,
    via: 'http',
    ...extra,
  })
}
