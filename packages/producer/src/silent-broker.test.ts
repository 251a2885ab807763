// A "broker" that accepts connections and never answers (a hung or half-open peer): connect() is bounded by
// connect.timeout.ms in every phase, and ping()'s options are checked before anything is sent. A real socket,
// no broker.
import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { GraceDbKafkaProducer } from './producer.js'

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
  vi.stubEnv('BEARER_TOKEN', `${part({ alg: 'none' })}.${part({ exp: 4102444800, scope: 'gracedb.read' })}.`)
})

afterAll(async () => {
  vi.unstubAllEnvs()
  for (const s of sockets) s.destroy()
  await new Promise((resolve) => server.close(resolve))
})

const options = (useSsl: boolean, checkForTopics = true) => ({
  bootstrapServers: `127.0.0.1:${port}`,
  instanceName: 'gracedb-dev',
  topic: 'test',
  useSsl,
  checkForTopics,
  // before the fix, a plaintext connect here took 30 s (kafkajs's disconnect waited out its request timeout)
  kafkaConfig: { 'connect.timeout.ms': 1000 },
})

describe('a broker port that accepts and never answers', () => {
  it.each([
    [true, true],
    [false, true],
    [true, false],
    [false, false],
  ])(
    'useSsl %s, checkForTopics %s: connect() rejects with KafkaConnectionError within the test timeout',
    async (useSsl, check) => {
      const producer = new GraceDbKafkaProducer(options(useSsl, check))
      const err = await producer.connect().catch((e: unknown) => e)
      expect(err).toMatchObject({ name: 'KafkaConnectionError' })
      expect((err as Error).message).toContain('within 1s (connect.timeout.ms)')
      await producer.close(1)
    },
  )
})

describe('ping() checks its options before anything happens', () => {
  it.each([
    [null, '(options)'],
    ['stop', '(options)'],
    [[], '(options)'],
    [{ timout: 5 }, 'timout'],
    [{ topic: 42 }, 'topic'],
    [{ timeout: 'soon' }, 'timeout'],
    [{ timeout: -1 }, 'timeout'],
    [{ timeout: Number.NaN }, 'timeout'],
  ])('ping(%j) is an InvalidOptionError naming %s, with no connection made', async (bad, option) => {
    const before = sockets.length
    const producer = new GraceDbKafkaProducer(options(false))
    const err = await producer.ping(bad as never).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'InvalidOptionError', option })
    expect(sockets.length).toBe(before)
    await producer.close(1)
  })

  it('a mistyped key gets the closest known one', async () => {
    const producer = new GraceDbKafkaProducer(options(false))
    await expect(producer.ping({ timout: 5 } as never)).rejects.toThrow(/did you mean "timeout"/)
    await producer.close(1)
  })
})
