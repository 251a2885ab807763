// A "broker" that accepts connections and never answers (a hung or half-open peer): connecting is bounded by
// connect.timeout.ms, and close() ends a consumer that is still connecting at once. A real socket, no broker.
import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { GraceDbKafkaConsumer } from './consumer.js'

let server: Server
let port = 0
const sockets: Socket[] = []

beforeAll(async () => {
  server = createServer((s) => {
    sockets.push(s)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
  // a well-formed (unsigned) token, so that discovery succeeds and the broker is what hangs
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  vi.stubEnv('BEARER_TOKEN', `${part({ alg: 'none' })}.${part({ exp: 4102444800, scope: 'kafka.consume' })}.`)
})

afterAll(async () => {
  vi.unstubAllEnvs()
  for (const s of sockets) s.destroy()
  await new Promise((resolve) => server.close(resolve))
})

const options = (useSsl: boolean) => ({
  bootstrapServers: `127.0.0.1:${port}`,
  instanceName: 'gracedb-dev',
  topics: 'test',
  useSsl,
  // kafkajs alone would take 30 s (TLS) to 3 min (plaintext) to give up here
  kafkaConfig: { 'connect.timeout.ms': 1000 },
})

describe('a broker port that accepts and never answers', () => {
  it.each([true, false])(
    'useSsl %s: poll() rejects with KafkaConnectionError after connect.timeout.ms',
    async (useSsl) => {
      const consumer = new GraceDbKafkaConsumer(options(useSsl))
      await expect(consumer.poll({ timeout: 1 })).rejects.toMatchObject({
        name: 'KafkaConnectionError',
        code: 'ERR_KAFKA_CONNECTION_TIMEOUT',
      })
      await consumer.close()
    },
  )

  it.each([true, false])(
    'useSsl %s: close() while stream() is connecting ends both at once',
    async (useSsl) => {
      const consumer = new GraceDbKafkaConsumer({
        ...options(useSsl),
        kafkaConfig: { 'connect.timeout.ms': 60_000 },
      })
      const stream = consumer.stream()
      const first = stream.next()
      await vi.waitFor(() => expect(sockets.some((s) => !s.destroyed)).toBe(true))
      await consumer.close()
      await expect(first).resolves.toEqual({ done: true, value: undefined })
      await expect(consumer.poll()).rejects.toMatchObject({ code: 'ERR_CLIENT_CLOSED', client: 'consumer' })
    },
  )
})
