import {
  ClientClosedError,
  InvalidOptionError,
  KafkaConnectionError,
  KafkaMessageDeliveryError,
} from '@gracedb-kafka/core'
import { TopicNameError } from '@gracedb-kafka/topics'
import { afterEach, describe, expect, it } from 'vitest'
import { buildPingMessage } from './ping.js'
import { GraceDbKafkaProducer } from './producer.js'

// These tests never reach a broker: they check what happens before anything is sent.
// Delivery behaviour is tested against the real broker in producer.int.test.ts.
const open: GraceDbKafkaProducer[] = []
function make(extra: Record<string, unknown> = {}): GraceDbKafkaProducer {
  const p = new GraceDbKafkaProducer({
    bootstrapServers: '127.0.0.1:1',
    instanceName: 'gracedb-dev',
    validateToken: false, // no token here: the token check has its own tests (token-precheck.test.ts)
    ...extra,
  })
  open.push(p)
  return p
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close(0).catch(() => {})))
})

describe('GraceDbKafkaProducer (no broker)', () => {
  it('derives the instance from serviceUrl and namespaces the default topic (read-only getters)', () => {
    const p = make({
      instanceName: undefined,
      serviceUrl: 'https://gracedb-test.ligo.org/api/',
      topic: 'gstlal',
    })
    expect(p.instanceName).toBe('gracedb-test')
    expect(p.defaultTopic).toBe('gracedb-test.gstlal') // the reference's default_topic
    expect(p.bootstrapServers).toBe('127.0.0.1:1')
    expect(p.tokenScope).toBe('gracedb.read')
    expect(p.refreshManager).not.toBeNull() // reloadCred defaults to true
    expect(make({ reloadCred: false }).refreshManager).toBeNull()
    expect(() => {
      ;(p as unknown as { defaultTopic: string }).defaultTopic = 'x'
    }).toThrow(TypeError)
    expect(p.flushTimeout).toBe(10)
    expect(p.pendingMessages).toBe(0)
  })

  it('names a bad topic or instance at construction', () => {
    expect(() => make({ topic: 'gst lal' })).toThrow(InvalidOptionError)
    expect(() => make({ topic: 'gst lal' })).toThrow(/"topic"/)
    expect(() => make({ instanceName: 'bad name' })).toThrow(/"instanceName"/)
    expect(() => make({ caCertPath: '/nonexistent/ca.pem' })).toThrow(/caCertPath/)
  })

  it('throws at produce() when there is no topic and no default (Python ValueError)', () => {
    const p = make()
    expect(() => p.produce({ a: 1 })).toThrow(InvalidOptionError)
    expect(() => p.produce({ a: 1 })).toThrow(/Topic must be specified/)
    expect(p.pendingMessages).toBe(0)
  })

  it('throws at produce() for a bad value, key, pipeline name or callback', () => {
    const p = make({ topic: 'test' })
    expect(() => p.produce(42 as never)).toThrow(/"value"/)
    expect(() => p.produce('x', { key: 1 as never })).toThrow(/"key"/)
    expect(() => p.produce('x', { topic: 'a b' })).toThrow(TopicNameError)
    expect(() => p.produce('x', { onDelivery: 'no' as never })).toThrow(/onDelivery/)
    expect(p.pendingMessages).toBe(0)
  })

  it('refuses a message over message.max.bytes with ERR_KAFKA_MESSAGE_TOO_LARGE', () => {
    const p = make({ topic: 'test', kafkaConfig: { 'message.max.bytes': 1000 } })
    let error: unknown
    try {
      p.produce(new Uint8Array(2000))
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(KafkaMessageDeliveryError)
    expect((error as KafkaMessageDeliveryError).code).toBe('ERR_KAFKA_MESSAGE_TOO_LARGE')
    expect((error as KafkaMessageDeliveryError).topic).toBe('gracedb-dev.test')
  })

  it('refuses to queue beyond queue.buffering.max.messages', async () => {
    const p = make({ topic: 'test', kafkaConfig: { 'queue.buffering.max.messages': 1, 'linger.ms': 60_000 } })
    p.produce('a')
    expect(() => p.produce('b')).toThrow(expect.objectContaining({ code: 'ERR_KAFKA_QUEUE_FULL' }))
    expect(p.pendingMessages).toBe(1)
  })

  it('close() is idempotent, fails what is still queued, and produce() afterwards throws', async () => {
    const p = make({ topic: 'test', kafkaConfig: { 'linger.ms': 60_000 } })
    const delivery = p.produce('queued')
    const c1 = p.close(0)
    expect(p.close(0)).toBe(c1)
    await c1
    await expect(p.close()).resolves.toBeUndefined()
    const failed = await delivery.then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(failed).toBeInstanceOf(ClientClosedError)
    expect(failed).toMatchObject({ code: 'ERR_CLIENT_CLOSED', client: 'producer' })
    expect(p.pendingMessages).toBe(0)
    expect(() => p.produce('late')).toThrow(ClientClosedError)
    expect(() => p.produce('late')).toThrow(
      expect.objectContaining({ code: 'ERR_CLIENT_CLOSED', client: 'producer' }),
    )
    await expect(p.connect()).rejects.toBeInstanceOf(ClientClosedError)
    await expect(p.ping()).rejects.toMatchObject({ code: 'ERR_CLIENT_CLOSED', client: 'producer' })
    await expect(p.flush(0)).resolves.toBe(0)
  })

  it('await using closes the producer at the end of the scope', async () => {
    let escaped: GraceDbKafkaProducer | undefined
    {
      await using p = make({ topic: 'test' })
      escaped = p
      expect(p.pendingMessages).toBe(0) // nothing queued: dispose's flush has nothing to wait for
    }
    expect(() => escaped?.produce('after')).toThrow(ClientClosedError)
  })

  it('flush(0) only reports the count', async () => {
    const p = make({ topic: 'test', kafkaConfig: { 'linger.ms': 60_000 } })
    p.produce('a')
    p.produce('b')
    expect(p.pendingMessages).toBe(2)
    await expect(p.flush(0)).resolves.toBe(2)
    await expect(p.flush(-2)).rejects.toThrow(InvalidOptionError)
  })
})

describe('GraceDbKafkaProducer against an unreachable broker', () => {
  const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl'

  it('flush(1e9) and flush(Infinity) wait for the outcome instead of returning at once', async () => {
    // A timer longer than 2**31-1 ms fires after 1 ms: such a flush used to return 1 before the failure.
    const p = make({ topic: 'test', kafkaConfig: { 'connect.timeout.ms': 3_000 } })
    const outcomes: unknown[] = []
    p.produce('a', { onDelivery: (err) => outcomes.push(err) })
    await expect(p.flush(1e9)).resolves.toBe(0)
    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]).toBeInstanceOf(KafkaConnectionError)
    p.produce('b', { onDelivery: (err) => outcomes.push(err) })
    await expect(p.flush(Number.POSITIVE_INFINITY)).resolves.toBe(0)
    expect(outcomes).toHaveLength(2)
    expect(p.pendingMessages).toBe(0)
  }, 30_000)

  it('an onDelivery callback that throws becomes a process warning with tokens redacted', async () => {
    const p = make({ topic: 'test', kafkaConfig: { 'connect.timeout.ms': 3_000 } })
    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    try {
      p.produce('a', {
        onDelivery: () => {
          throw new Error(`callback saw ${TOKEN}`)
        },
      })
      await expect(p.flush(20)).resolves.toBe(0)
      await expect.poll(() => warnings.length).toBeGreaterThan(0)
    } finally {
      process.off('warning', onWarning)
    }
    const warning = warnings.find((w) => (w as { code?: string }).code === 'GRACEDB_KAFKA_CALLBACK_ERROR')
    expect(warning?.message).toBe('onDelivery callback threw: callback saw [REDACTED-TOKEN]')
  }, 30_000)
})

describe('buildPingMessage', () => {
  it("has the reference's fields in order, with claims from the token and float seconds", () => {
    const m = buildPingMessage(
      { principal: 'albert', scope: 'kafka.produce gracedb.read' },
      1_700_000_000_123,
    )
    expect(Object.keys(m)).toEqual(['type', 'timestamp', 'client', 'sub', 'scope'])
    expect(m).toEqual({
      type: 'ping',
      timestamp: 1_700_000_000.123,
      client: 'gracedb-kafka',
      sub: 'albert',
      scope: 'kafka.produce gracedb.read',
    })
    expect(buildPingMessage({ principal: '', scope: '' }).sub).toBeNull()
  })
})
