import { execFile } from 'node:child_process'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import * as zlib from 'node:zlib'
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TransportInit, type TransportResponse, UndiciSender } from './undici-request.js'

// The same requests go through undici's request() (UndiciSender) and through the global fetch, to one local
// server that records what arrives: the sender must put the same bytes on the wire and give back the same reply.
const BODY = Buffer.from('\ufeff{"graceid": "G1", "é": 1}')
const zstdCompressSync = (zlib as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync
const seen: Array<{ method: string; url: string; headers: string[]; body: string }> = []

function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ method: req.method!, url: req.url!, headers: req.rawHeaders.map(String), body })
  const encoded: Record<string, [string, Buffer]> = {
    '/gzip': ['gzip', gzipSync(BODY)],
    '/gzip-no-trailer': ['gzip', gzipSync(BODY).subarray(0, -8)],
    '/deflate': ['deflate', deflateSync(BODY)],
    '/deflate-raw': ['deflate', deflateRawSync(BODY)],
    '/br': ['br', brotliCompressSync(BODY)],
    '/two': ['deflate, GZIP', gzipSync(deflateSync(BODY))],
    '/unknown': ['compress', BODY],
    '/unknown-inner': ['compress, gzip', gzipSync(BODY)],
    '/corrupt': ['gzip', Buffer.from('not gzip')],
    '/empty-gzip': ['gzip', Buffer.alloc(0)],
    // Node 24's fetch decodes zstd (unasked), Node 20's leaves it as is: the sender does as the runtime's fetch.
    '/zstd': ['zstd', zstdCompressSync ? zstdCompressSync(BODY) : BODY],
  }
  const e = encoded[req.url!]
  if (e) {
    res.setHeader('content-encoding', e[0])
    res.end(e[1])
  } else if (req.url === '/redirect') {
    res.writeHead(307, { location: '/gzip' }).end()
  } else if (req.url === '/truncated') {
    res.writeHead(200, { 'content-length': '100' }).write('{"gr')
    setTimeout(() => res.socket?.destroy(), 10)
  } else if (req.url === '/never-ending') {
    res.writeHead(200).write('{')
  } else if (req.url === '/odd-reason') {
    res.writeHead(418, 'Short And Stout', { 'x-dup': 'a', 'X-Dup': 'b', 'set-cookie': 'c=1' }).end('no')
  } else if (req.url === '/latin1') {
    res.writeHead(200, { 'x-name': Buffer.from('café', 'latin1').toString('binary') }).end()
  } else if (req.url === '/no-content') {
    res.writeHead(204, { 'content-encoding': 'gzip' }).end()
  } else {
    res.writeHead(201, 'Created', { 'content-type': 'application/json' }).end(BODY)
  }
}

let server: Server
let base: string
const sender = new UndiciSender()
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c.toString()
    })
    req.on('end', () => answer(req, res, body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await sender.close()
  server.closeAllConnections()
  server.close()
})

type Send = (url: string, init: TransportInit) => Promise<TransportResponse>
const viaUndici: Send = (url, init) => sender.send(url, init)
const viaFetch = fetch as unknown as Send
const init = (over: Partial<TransportInit> = {}): TransportInit => ({
  method: 'GET',
  headers: { 'user-agent': 'ua/1', accept: 'application/json', authorization: 'Bearer t' },
  body: null,
  signal: AbortSignal.timeout(5000),
  ...over,
})
const send = (f: Send, path: string, over?: Partial<TransportInit>) => f(`${base}${path}`, init(over))
const failure = async (p: Promise<unknown>): Promise<string> => {
  const err = (await p.then(() => undefined).catch((e: unknown) => e)) as Error & { cause?: Error }
  return `${err.name}: ${err.message} <- ${err.cause?.message ?? ''} ${(err.cause as { code?: string })?.code ?? ''}`
}
const summary = async (r: TransportResponse) => [
  r.status,
  r.statusText,
  r.ok,
  [...r.headers].filter(([name]) => name !== 'date'),
  r.headers.getSetCookie(),
  await r.text(),
]

describe('UndiciSender against fetch', () => {
  it('puts on the wire what fetch does: the same headers in the same order, the same form body', async () => {
    const form = () => new URLSearchParams({ group: 'CBC', pipeline: 'gstlal', search: 'a b/é' })
    seen.length = 0
    for (const f of [viaFetch, viaUndici]) {
      await (await send(f, '/?x=1#frag', { method: 'POST', body: form() })).text()
      await (await send(f, '/')).text()
      await (await send(f, '/', { method: 'PUT', body: form() })).text()
    }
    const [fetchPost, fetchGet, fetchPut, ourPost, ourGet, ourPut] = seen.splice(0)
    expect(ourPost).toEqual(fetchPost)
    expect(ourGet).toEqual(fetchGet)
    expect(ourPut).toEqual(fetchPut)
    expect(ourPost!.url).toBe('/?x=1')
  })

  it('gives back what fetch does: status, reason phrase, headers (repeats, set-cookie), UTF-8 text without the BOM', async () => {
    for (const path of ['/', '/odd-reason', '/latin1', '/no-content']) {
      expect(await summary(await send(viaUndici, path)), path).toEqual(
        await summary(await send(viaFetch, path)),
      )
    }
    expect(await (await send(viaUndici, '/')).text()).toBe('{"graceid": "G1", "é": 1}')
  })

  it('decodes gzip, deflate (zlib or raw), br and stacked codings as leniently; leaves an unknown coding as is', async () => {
    const paths = ['/gzip', '/gzip-no-trailer', '/deflate', '/deflate-raw', '/br', '/two', '/unknown']
    for (const path of [...paths, '/unknown-inner', '/empty-gzip', '/zstd']) {
      const ours = await (await send(viaUndici, path)).text()
      expect(ours, path).toBe(await (await send(viaFetch, path)).text())
    }
  })

  it('fails the body as fetch does: corrupt encoding, cut short, timed out', async () => {
    for (const f of [viaFetch, viaUndici]) {
      expect(await failure((await send(f, '/corrupt')).text())).toMatch(
        /^TypeError: terminated <- incorrect header check Z_DATA_ERROR/,
      )
      expect(await failure((await send(f, '/truncated')).text())).toMatch(/^TypeError: terminated <- /)
      const slow = await send(f, '/never-ending', { signal: AbortSignal.timeout(100) })
      expect(await failure(slow.text())).toMatch(/^TimeoutError/)
    }
  })

  it('a redirect is sent again through fetch, which follows it', async () => {
    seen.length = 0
    expect(await (await send(viaUndici, '/redirect')).text()).toBe('{"graceid": "G1", "é": 1}')
    expect(seen.map((s) => s.url)).toEqual(['/redirect', '/redirect', '/gzip'])
  })

  it('a connection failure is TypeError("fetch failed") with the socket error as its cause', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    for (const f of [viaFetch, viaUndici]) {
      expect(await failure(f(`http://127.0.0.1:${port}/`, init()))).toMatch(
        /^TypeError: fetch failed <- .*ECONNREFUSED/,
      )
    }
  })

  it('a URL with user info is refused as fetch refuses it, before any request', async () => {
    seen.length = 0
    const withUser = () => `http://user:pw@${base.slice('http://'.length)}/`
    const errors = []
    for (const f of [viaFetch, viaUndici]) errors.push(await failure(f(withUser(), init())))
    expect(errors[1]).toBe(errors[0])
    expect(errors[0]).toMatch(/^TypeError: .*credentials/)
    expect(seen).toEqual([])
  })

  it('an aborted signal rejects with its reason, before the request or while the body is read', async () => {
    const outcomes: string[][] = []
    for (const f of [viaFetch, viaUndici]) {
      const controller = new AbortController()
      controller.abort(new Error('stop'))
      const before = await failure(send(f, '/', { signal: controller.signal }))
      const later = new AbortController()
      const res = await send(f, '/never-ending', { signal: later.signal })
      const reading = res.text()
      later.abort(new Error('later'))
      outcomes.push([before, await failure(reading)])
    }
    expect(outcomes[1]).toEqual(outcomes[0])
    expect(outcomes[0]).toEqual(['Error: stop <-  ', 'Error: later <-  '])
  })

  it('a multipart body goes through fetch (its encoder and boundary)', async () => {
    seen.length = 0
    const form = new FormData()
    form.append('group', 'CBC')
    await (await send(viaUndici, '/', { method: 'POST', body: form })).text()
    const type = seen[0]!.headers[seen[0]!.headers.indexOf('content-type') + 1]
    expect(type).toMatch(/^multipart\/form-data; boundary=/)
  })

  it('reuses its keep-alive connections; after close() requests go to fetch', async () => {
    const own = new UndiciSender()
    const ports = new Set<number>()
    const onRequest = (req: IncomingMessage) => ports.add(req.socket.remotePort!)
    server.on('request', onRequest)
    try {
      for (let i = 0; i < 6; i++) await (await own.send(`${base}/`, init())).text()
    } finally {
      server.off('request', onRequest)
    }
    // undici's pool may open a second connection when a request follows at once on the one just released.
    expect(ports.size).toBeLessThanOrEqual(2)
    await Promise.all([own.close(), own.close()])
    seen.length = 0
    expect(await (await own.send(`${base}/`, init())).text()).toBe('{"graceid": "G1", "é": 1}')
    expect(seen).toHaveLength(1)
  })
})

describe('UndiciSender with a process-wide undici dispatcher', () => {
  const key = Symbol.for('undici.globalDispatcher.1')
  const g = globalThis as unknown as Record<symbol, unknown>
  const UndiciAgent = createRequire(import.meta.url)('undici/lib/dispatcher/agent.js') as new (
    options?: Record<string, unknown>,
  ) => { close(): Promise<void> }

  /** The URLs the global fetch got while `dispatcher` was the process-wide one, for one request. */
  async function fetchCalls(dispatcher: unknown): Promise<string[]> {
    const saved = g[key]
    const realFetch = globalThis.fetch
    const calls: string[] = []
    g[key] = dispatcher
    globalThis.fetch = (async (url: string) => {
      calls.push(url)
      return new Response('{}')
    }) as typeof fetch
    try {
      await (await send(viaUndici, '/')).text()
    } finally {
      globalThis.fetch = realFetch
      g[key] = saved
    }
    return calls
  }

  it('leaves a request to fetch when the global dispatcher is a proxy or mock agent', async () => {
    class ProxyAgent {}
    expect(await fetchCalls(new ProxyAgent())).toEqual([`${base}/`])
  })

  it('leaves a request to fetch when the global dispatcher is an Agent with TLS or connect options (a CA)', async () => {
    const withCa = new UndiciAgent({ connect: { ca: 'a private CA' } })
    const withInterceptor = new UndiciAgent({ interceptors: { Agent: [(dispatch: unknown) => dispatch] } })
    try {
      expect(await fetchCalls(withCa)).toEqual([`${base}/`])
      expect(await fetchCalls(withInterceptor)).toEqual([`${base}/`])
    } finally {
      await Promise.all([withCa.close(), withInterceptor.close()])
    }
  })

  it("sends through undici when the global dispatcher is a plain Agent, such as the one Node's fetch installs", async () => {
    new Headers() // Node's fetch installs its own Agent as soon as one of its globals is used
    const plain = new UndiciAgent()
    try {
      expect(await fetchCalls(g[key])).toEqual([])
      expect(await fetchCalls(plain)).toEqual([])
      expect(await fetchCalls(undefined)).toEqual([])
    } finally {
      await plain.close()
    }
  })
})

describe('UndiciSender and the process-wide dispatcher of fetch', () => {
  it("sending a request does not make undici 6's Agent the dispatcher of Node's fetch", async () => {
    // A fresh process: this one's fetch has already installed its dispatcher. (Node's own undici may install
    // its Agent there as soon as a global such as Headers is used: that one is Node's, as without this code.)
    const script = `
      import { createRequire } from 'node:module'
      const { UndiciSender } = await import(${JSON.stringify(new URL('./undici-request.ts', import.meta.url).pathname)})
      const s = new UndiciSender()
      const res = await s.send(${JSON.stringify(`${base}/`)}, { method: 'GET', headers: {}, body: null, signal: AbortSignal.timeout(5000) })
      await res.text()
      await s.close()
      const NpmAgent = createRequire(${JSON.stringify(import.meta.url)})('undici/lib/dispatcher/agent.js')
      const global = globalThis[Symbol.for('undici.globalDispatcher.1')]
      console.log(res.status, global === undefined || global.constructor !== NpmAgent)`
    // (not execFileSync: the server answering the child runs in this process)
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ])
    expect(stdout.trim()).toBe('201 true')
  })
})
