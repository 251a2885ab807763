import type { IncomingMessage, ServerResponse } from 'node:http'

/** The endpoints a fault can be injected into. */
export type StandInEndpoint = 'root' | 'reserve' | 'create' | 'upload'

/** A fault the stand-in applies to the next request(s) to an endpoint. */
export interface StandInFault {
  /** Answer with this HTTP status (default 500 unless `reset`). */
  status?: number
  /** Body to send (default a JSON `{"detail": ...}`). */
  body?: string
  /** Content type of `body` (default `application/json`). */
  contentType?: string
  /** Extra response headers, e.g. `{ 'retry-after': '0' }`. */
  headers?: Record<string, string>
  /** Destroy the connection instead of answering (a connection reset). */
  reset?: boolean
  /** How many consecutive requests get the fault (default 1). */
  times?: number
}

/**
 * The faults queued per endpoint: each applies to the next `times` requests to its endpoint, in order.
 *
 * @example
 * ```ts
 * const faults = new FaultQueue()
 * faults.inject('upload', { status: 503, times: 2 })
 * faults.take('upload') // { status: 503, times: 2 }, then once more, then undefined
 * ```
 */
export class FaultQueue {
  readonly #queues = new Map<StandInEndpoint, StandInFault[]>()

  /** Queue `fault` for the next request(s) to `endpoint`. */
  inject(endpoint: StandInEndpoint, fault: StandInFault): void {
    const queue = this.#queues.get(endpoint) ?? []
    queue.push(fault)
    this.#queues.set(endpoint, queue)
  }

  /** The fault for this request to `endpoint`, if any (counting one of its `times`). */
  take(endpoint: StandInEndpoint): StandInFault | undefined {
    const queue = this.#queues.get(endpoint)
    const fault = queue?.[0]
    if (!queue || !fault) return undefined
    const remaining = (fault.times ?? 1) - 1
    if (remaining <= 0) queue.shift()
    else queue[0] = { ...fault, times: remaining }
    return fault
  }

  /** Forget every queued fault. */
  clear(): void {
    this.#queues.clear()
  }
}

/**
 * Answer a request with `fault`: reset the connection, or send its status, headers and body. Returns what
 * the request log records as the status.
 *
 * @example
 * ```ts
 * const fault = faults.take('reserve')
 * if (fault) log.status = applyFault(req, res, fault)
 * ```
 */
export function applyFault(req: IncomingMessage, res: ServerResponse, fault: StandInFault): number | 'reset' {
  if (fault.reset) {
    req.socket.resetAndDestroy()
    return 'reset'
  }
  const status = fault.status ?? 500
  res.writeHead(status, { 'content-type': fault.contentType ?? 'application/json', ...fault.headers })
  res.end(fault.body ?? JSON.stringify({ detail: `injected fault ${status}` }))
  return status
}
