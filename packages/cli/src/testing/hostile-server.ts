// Test helper (not built or published): an in-process HTTP server on 127.0.0.1 that misbehaves on purpose.
// The first path segment picks the behaviour: http://127.0.0.1:<port>/<behaviour>/api/.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { gzipSync } from 'node:zlib'

export type Behaviour = (req: IncomingMessage, res: ServerResponse, echo: string) => void

const auth = (req: IncomingMessage) => req.headers.authorization ?? '(none)'

/** What each path does. `echo` is the Authorization header the request carried. */
export const BEHAVIOURS: Record<string, Behaviour> = {
  'truncated-length': (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' })
    res.write('{"links": {"events": "')
    setImmediate(() => res.socket?.destroy())
  },
  'truncated-chunked': (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{"links": {')
    setImmediate(() => res.socket?.destroy())
  },
  'never-ending': (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{"links": {')
    // never ends: the client's request timeout must end it
  },
  'no-headers': () => {
    // never answers at all
  },
  'reset-at-once': (_q, res) => {
    res.socket?.destroy()
  },
  'corrupt-gzip': (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
    res.end(Buffer.from('this is not gzip at all, just bytes that pretend'))
  },
  'truncated-gzip': (_q, res) => {
    const zipped = gzipSync(Buffer.from(JSON.stringify({ links: { a: 'x'.repeat(2000) } })))
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
    res.end(zipped.subarray(0, Math.floor(zipped.length / 2)))
  },
  'corrupt-deflate': (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'deflate' })
    res.end(Buffer.from('garbage deflate stream'))
  },
  'corrupt-br': (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' })
    res.end(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x01, 0x02]))
  },
  'echo-401-json': (req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ detail: `Invalid token. Header was: ${auth(req)}` }))
  },
  'echo-403-html': (req, res) => {
    res.writeHead(403, { 'content-type': 'text/html' })
    res.end(
      `<html><head><title>Forbidden ${auth(req)}</title></head><body><h1>${auth(req)}</h1></body></html>`,
    )
  },
  'echo-400-fields': (req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ group: [`bad value; you sent ${auth(req)}`], nested: { a: [auth(req)] } }))
  },
  'echo-500-text': (req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' })
    res.end(`Traceback (most recent call last):\n  request.META['HTTP_AUTHORIZATION'] = '${auth(req)}'\n`)
  },
  'echo-503-always': (req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' })
    res.end(`upstream down; headers: ${auth(req)}`)
  },
  'echo-200-html': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end(`<!doctype html><html><title>Login</title><body>you are ${auth(req)}</body></html>`)
  },
  'echo-200-not-json': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(`{"broken": "${auth(req)}`)
  },
  'ok-root': (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ links: {}, templates: {}, groups: ['Test'], pipelines: ['gstlal'] }))
  },
  'bad-template': (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        links: {},
        templates: {
          'event-reserve-template': 'not a url at all',
          'event-upload-template': '/relative/{graceid}',
        },
        groups: ['Test'],
        pipelines: ['gstlal'],
        searches: ['AllSky'],
        labels: [],
      }),
    )
  },
  'echo-404-gzip': (req, res) => {
    res.writeHead(404, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
    res.end(gzipSync(Buffer.from(JSON.stringify({ detail: `Not found for ${auth(req)}` }))))
  },
}

/** A running hostile server; `url(behaviour)` is a service URL whose requests get that behaviour. */
export interface HostileServer {
  url(behaviour: keyof typeof BEHAVIOURS | string): string
  /** Authorization headers received, in order. */
  received: string[]
  close(): Promise<void>
}

export async function startHostileServer(): Promise<HostileServer> {
  const sockets = new Set<Socket>()
  const received: string[] = []
  const server: Server = createServer((req, res) => {
    received.push(req.headers.authorization ?? '')
    const name = (req.url ?? '/').split('/')[1] ?? ''
    const behaviour = BEHAVIOURS[name]
    if (behaviour) behaviour(req, res, auth(req))
    else {
      res.writeHead(404)
      res.end()
    }
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (behaviour) => `http://127.0.0.1:${port}/${behaviour}/api/`,
    received,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
