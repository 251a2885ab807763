import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpTransport, type TransportRequest } from './http-transport.js'
import { DEFAULT_RETRY_POLICY } from './retry-policy.js'

// HttpTransport's default path (undici's request()) and its fetch path (a `fetch` option), side by side against
// local servers that record what reaches them: the replies, the errors and the requests seen must be the same.
interface Seen {
  server: 'service' | 'other'
  method: string
  url: string
  authorization: string | undefined
  body: string
}
const seen: Seen[] = []
const hits = new Map<string, number>()
const JSON_BODY = JSON.stringify({ graceid: 'G1', submitter: 'albert' })

function answer(res: ServerResponse, path: string): void {
  const n = (hits.get(path) ?? 0) + 1
  hits.set(path, n)
  const [route] = path.split('?') as [string]
  if (route === '/api/flaky' && n <= 2) {
    res.writeHead(503, 'Busy Now', { 'retry-after': '0' }).end('try later')
  } else if (route === '/api/gzip') {
    res
      .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
      .end(gzipSync(JSON_BODY))
  } else if (route === '/api/corrupt') {
    res.writeHead(200, { 'content-encoding': 'gzip' }).end('not gzip at all')
  } else if (route === '/api/truncated') {
    res.writeHead(200, { 'content-length': '200' }).write('{"graceid"')
    setTimeout(() => res.socket?.destroy(), 10)
  } else if (route === '/api/no-headers') {
    // never answers
  } else if (route === '/api/slow-body') {
    res.writeHead(200).write('{')
  } else if (route === '/api/missing') {
    res.writeHead(404, 'Not Here', { 'content-type': 'application/json' }).end('{"detail": "No such event"}')
  } else if (route === '/api/redirect-out') {
    res.writeHead(307, { location: `${other}/api/landed` }).end()
  } else if (route === '/api/redirect-in') {
    res.writeHead(302, { location: '/api/landed' }).end()
  } else {
    res.writeHead(201, 'Created', { 'content-type': 'application/json' }).end(JSON_BODY)
  }
}

const servers: Server[] = []
let service = ''
let other = ''
async function listen(name: Seen['server']): Promise<string> {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c.toString()
    })
    req.on('end', () => {
      const { authorization } = req.headers
      seen.push({ server: name, method: req.method!, url: req.url!, authorization, body })
      answer(res, req.url!)
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}
beforeAll(async () => {
  service = await listen('service')
  other = await listen('other')
})
afterAll(() => {
  for (const s of servers) {
    s.closeAllConnections()
    s.close()
  }
})

const transports: HttpTransport[] = []
afterAll(async () => {
  await Promise.all(transports.map((t) => t.close()))
})
function transport(viaFetch: boolean, requestTimeout = 5): HttpTransport {
  const t = new HttpTransport({
    retry: { ...DEFAULT_RETRY_POLICY, backoffFactor: 0.01, retries: 2 },
    requestTimeout,
    userAgent: 'paths-test/1',
    serviceUrl: `${service}/api/`,
    token: async () => 'secret-token',
    ...(viaFetch ? { fetch: (...a: Parameters<typeof fetch>) => fetch(...a) } : {}),
  })
  transports.push(t)
  return t
}

/** What a user observes of one request: the reply or the error, and what the servers saw (ports left out). */
async function observe(t: HttpTransport, req: TransportRequest, tag: string): Promise<unknown> {
  seen.length = 0
  const url = (u: string) => u.replaceAll(service, 'SERVICE').replaceAll(other, 'OTHER')
  const outcome = await t.requestJson({ ...req, url: `${req.url}?${tag}` }).then(
    (r) => ({ status: r.status, body: r.body, type: r.headers.get('content-type') }),
    (e: Error & { code?: string; status?: number }) => ({
      error: e.constructor.name,
      code: e.code,
      status: e.status,
      message: url(e.message).replace(`?${tag}`, ''),
    }),
  )
  return { outcome, seen: seen.map((s) => ({ ...s, url: s.url.replace(`?${tag}`, '') })) }
}

/** The same request through both paths; returns the fetch path's observation after checking they agree. */
async function both(req: Omit<TransportRequest, 'url'> & { path: string }, requestTimeout?: number) {
  const { path, ...rest } = req
  const r = { ...rest, url: `${service}${path}` }
  const viaFetch = await observe(transport(true, requestTimeout), r, 'fetch')
  const viaUndici = await observe(transport(false, requestTimeout), r, 'undici')
  expect(viaUndici).toEqual(viaFetch)
  return viaFetch as { outcome: Record<string, unknown>; seen: Seen[] }
}
const form = () => new URLSearchParams({ group: 'CBC', pipeline: 'gstlal' })

describe('HttpTransport: undici request() path against the fetch path', () => {
  it('a form POST: the same reply, the same request with the token', async () => {
    const r = await both({ method: 'POST', path: '/api/events/', body: form })
    expect(r.outcome).toEqual({
      status: 201,
      body: { graceid: 'G1', submitter: 'albert' },
      type: 'application/json',
    })
    expect(r.seen).toEqual([
      {
        server: 'service',
        method: 'POST',
        url: '/api/events/',
        authorization: 'Bearer secret-token',
        body: 'group=CBC&pipeline=gstlal',
      },
    ])
  })

  it('retries 503 (the form body sent again each time) and then succeeds', async () => {
    hits.clear()
    const viaFetch = await observe(
      transport(true),
      { method: 'POST', url: `${service}/api/flaky`, body: form },
      'f',
    )
    hits.clear()
    const viaUndici = await observe(
      transport(false),
      { method: 'POST', url: `${service}/api/flaky`, body: form },
      'u',
    )
    expect(viaUndici).toEqual(viaFetch)
    expect((viaUndici as { seen: Seen[] }).seen.map((s) => s.body)).toEqual(
      Array(3).fill('group=CBC&pipeline=gstlal'),
    )
  })

  it('HTTP errors keep the reason phrase and the server message', async () => {
    const r = await both({ method: 'GET', path: '/api/missing' })
    expect(r.outcome).toMatchObject({ error: 'GraceDbHttpError', status: 404 })
    expect(r.outcome.message).toContain('404 Not Here')
  })

  it('gzip replies are decoded; corrupt ones are ERR_GRACEDB_BAD_ENCODING, cut-short ones ERR_GRACEDB_INCOMPLETE_BODY', async () => {
    expect((await both({ method: 'GET', path: '/api/gzip' })).outcome).toMatchObject({
      body: { graceid: 'G1' },
    })
    expect((await both({ method: 'GET', path: '/api/corrupt' })).outcome).toMatchObject({
      code: 'ERR_GRACEDB_BAD_ENCODING',
    })
    expect((await both({ method: 'GET', path: '/api/truncated' })).outcome).toMatchObject({
      code: 'ERR_GRACEDB_INCOMPLETE_BODY',
    })
  })

  it('timeouts: no headers (retried, then a connection error) and a body that never ends', async () => {
    const r = await both({ method: 'GET', path: '/api/no-headers' }, 0.2)
    expect(r.outcome).toMatchObject({ error: 'GraceDbConnectionError' })
    expect(r.outcome.message).toMatch(/after 3 attempt\(s\)/)
    expect(r.seen).toHaveLength(3)
    const body = await both({ method: 'GET', path: '/api/slow-body' }, 0.2)
    expect(body.outcome).toMatchObject({ error: 'GraceDbConnectionError', code: 'ERR_GRACEDB_TIMEOUT' })
  })

  it("an abort rejects with the signal's reason, before the reply and while the body is read", async () => {
    for (const path of ['/api/no-headers', '/api/slow-body']) {
      const reasons = []
      for (const viaFetch of [true, false]) {
        const controller = new AbortController()
        setTimeout(() => controller.abort(new Error('user stop')), 100)
        const t = transport(viaFetch)
        reasons.push(
          await t
            .requestJson({ method: 'GET', url: `${service}${path}`, signal: controller.signal })
            .catch((e: Error) => e.message),
        )
      }
      expect(reasons, path).toEqual(['user stop', 'user stop'])
    }
  })

  it('redirects are followed as fetch does (the undici path asks once more); the token never reaches another origin', async () => {
    for (const [path, to] of [
      ['/api/redirect-in', 'service'],
      ['/api/redirect-out', 'other'],
    ] as const) {
      const req = { method: 'GET', url: `${service}${path}` } as const
      const viaFetch = (await observe(transport(true), req, 'f')) as { outcome: unknown; seen: Seen[] }
      const viaUndici = (await observe(transport(false), req, 'u')) as { outcome: unknown; seen: Seen[] }
      expect(viaUndici.outcome).toEqual(viaFetch.outcome)
      expect(viaFetch.outcome).toMatchObject({ status: 201 })
      // undici's request() got the redirect; the transport sent the request again through fetch, which followed it.
      expect(viaUndici.seen).toEqual([viaFetch.seen[0], ...viaFetch.seen])
      expect(viaFetch.seen.at(-1)).toEqual({
        server: to,
        method: 'GET',
        url: '/api/landed',
        authorization: to === 'other' ? undefined : 'Bearer secret-token',
        body: '',
      })
    }
    for (const viaFetch of [true, false]) {
      seen.length = 0
      await transport(viaFetch).requestJson({ method: 'GET', url: `${other}/api/elsewhere` })
      expect(seen).toEqual([
        { server: 'other', method: 'GET', url: '/api/elsewhere', authorization: undefined, body: '' },
      ])
    }
  })
})
