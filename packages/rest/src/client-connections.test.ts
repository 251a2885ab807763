import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GraceDb } from './client.js'

// The client's own keep-alive connections (undici's request() path): reused across calls, closed by close()
// and by `await using`, and a request under way when close() is called still gets its reply.
const ROOT = JSON.stringify({ links: {}, templates: {} })
let server: Server
let serviceUrl: string
let delayMs = 0
const open = new Set<Socket>()
let connections = 0

beforeAll(async () => {
  server = createServer((_req, res) => {
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(ROOT), delayMs)
  })
  server.keepAliveTimeout = 60_000
  server.on('connection', (socket: Socket) => {
    connections++
    open.add(socket)
    socket.on('close', () => open.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})
const make = (): GraceDb => new GraceDb(serviceUrl, { forceNoauth: true })

describe('GraceDb HTTP connections', () => {
  it('close() closes the keep-alive connection the calls shared', async () => {
    connections = 0
    const c = make()
    for (let i = 0; i < 3; i++) await c.serviceInfo() // fetched once, then cached: one request
    expect(connections).toBe(1)
    expect(open.size).toBe(1)
    await c.close()
    await expect.poll(() => open.size).toBe(0)
  })

  it('await using closes them too', async () => {
    {
      await using c = make()
      await c.serviceInfo()
      expect(open.size).toBe(1)
    }
    await expect.poll(() => open.size).toBe(0)
  })

  it('a request under way when close() is called still gets its reply; close() resolves after it', async () => {
    delayMs = 200
    try {
      const c = make()
      const info = c.serviceInfo()
      await expect.poll(() => open.size).toBe(1)
      const closed = c.close()
      await expect(info).resolves.toEqual({ links: {}, templates: {} })
      await closed
      await expect.poll(() => open.size).toBe(0)
    } finally {
      delayMs = 0
    }
  })
})
