import { createServer, type Server } from 'node:net'

/**
 * Reserve `count` distinct free TCP ports on 127.0.0.1 (all listened on at once, then released).
 *
 * @example
 * ```ts
 * const [plaintext, saslSsl] = await freePorts(2)
 * ```
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = []
  try {
    const ports: number[] = []
    for (let i = 0; i < count; i++) {
      const server = createServer()
      servers.push(server)
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(0, '127.0.0.1', () => resolve())
      })
      const address = server.address()
      if (address === null || typeof address === 'string') throw new Error('testkit: no port assigned')
      ports.push(address.port)
    }
    return ports
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
  }
}
