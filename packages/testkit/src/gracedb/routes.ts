import type { IncomingMessage, ServerResponse } from 'node:http'
import type { StandInEndpoint } from './faults.js'

// HTTP plumbing of the stand-in: which endpoint a request is for, its body and form, and JSON replies.

/** The endpoint a request matched, whether it used the `v2/` prefix, and the graceid in an upload path. */
export interface Route {
  endpoint: StandInEndpoint | 'other'
  versioned: boolean
  graceid?: string
}

/**
 * Match a request to an endpoint (GraceDB's v2 paths, with or without the `v2/` prefix).
 *
 * @example
 * ```ts
 * matchRoute('POST', '/api/events/G123/upload/') // { endpoint: 'upload', versioned: false, graceid: 'G123' }
 * ```
 */
export function matchRoute(method: string, path: string): Route {
  const m = /^\/api\/(v2\/)?(.*)$/.exec(path)
  if (!m) return { endpoint: 'other', versioned: false }
  const versioned = m[1] !== undefined
  const rest = m[2] ?? ''
  if (method === 'GET' && rest === '') return { endpoint: 'root', versioned }
  if (method === 'POST' && rest === 'events/reserve/') return { endpoint: 'reserve', versioned }
  if (method === 'POST' && rest === 'events/') return { endpoint: 'create', versioned }
  const upload = /^events\/([^/]+)\/upload\/$/.exec(rest)
  if (method === 'POST' && upload?.[1])
    return { endpoint: 'upload', versioned, graceid: decodeURIComponent(upload[1]) }
  return { endpoint: 'other', versioned }
}

/** The request's form (multipart or urlencoded), or null when the body is neither or malformed. */
export async function parseForm(req: IncomingMessage, raw: Buffer, url: URL): Promise<FormData | null> {
  const contentType = req.headers['content-type'] ?? ''
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(contentType)) return null
  try {
    return await new Request(url, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: raw,
    }).formData()
  } catch {
    return null
  }
}

/** A non-empty text field of `form`, or null. */
export function text(form: FormData, name: string): string | null {
  const v = form.get(name)
  return typeof v === 'string' && v.length > 0 ? v : null
}

/** A 400 reply with GraceDB's field errors. */
export function badRequest(body: unknown): { status: number; body: unknown } {
  return { status: 400, body }
}

/** Send `body` as JSON with `status`. */
export function send(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) })
  res.end(payload)
}

/** The whole request body. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}
