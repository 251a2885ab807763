// GraceDbKafkaProducer against the real broker, continued from producer.int.test.ts: an unreachable broker, an
// unknown CA, an expired token and a refused token, each surfaced as its typed error.
import { createServer } from 'node:net'
import { join } from 'node:path'
import { KafkaAuthenticationError, KafkaConnectionError, KafkaTokenError } from '@gracedb-kafka/core'
import { createTokenIssuer } from '@gracedb-kafka/testkit'
import { describe, expect, it } from 'vitest'
import { GraceDbKafkaProducer } from './producer.js'
import { dir, kafka, producer, uniqueInstance, useProducerBroker } from './testing/broker-fixture.js'

useProducerBroker('producer-int', 'it')

describe('GraceDbKafkaProducer failures against the real broker (SASL_SSL + SciToken)', () => {
  it('an unreachable broker gives KafkaConnectionError quickly, from produce(), connect() and ping()', async () => {
    const server = createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    await new Promise<void>((r) => server.close(() => r())) // now nothing listens there
    await using p = new GraceDbKafkaProducer({
      bootstrapServers: `127.0.0.1:${port}`,
      instanceName: 'gracedb-dev',
      topic: 'test',
    })
    const t0 = Date.now()
    await expect(p.produce({ a: 1 })).rejects.toBeInstanceOf(KafkaConnectionError)
    const elapsed = Date.now() - t0
    expect(elapsed).toBeLessThan(20_000)
    await expect(p.connect()).rejects.toBeInstanceOf(KafkaConnectionError)
    await expect(p.ping({ timeout: 20 })).rejects.toBeInstanceOf(KafkaConnectionError)
    expect(p.pendingMessages).toBe(0)
    console.info(`unreachable broker -> KafkaConnectionError after ${elapsed} ms`)
  })

  it('a broker certificate from an unknown CA gives KafkaConnectionError (ERR_KAFKA_TLS)', async () => {
    await using p = new GraceDbKafkaProducer({
      bootstrapServers: kafka.bootstrapServers,
      instanceName: uniqueInstance(),
      topic: 'tls',
    })
    await expect(p.produce('x')).rejects.toMatchObject({
      name: 'KafkaConnectionError',
      code: 'ERR_KAFKA_TLS',
    })
  })

  it('an expired token on disk: KafkaTokenError, and the next produce() throws it', async () => {
    const now = Math.floor(Date.now() / 1000)
    const expired = await kafka.issuer.mint({
      sub: 'expired',
      iat: now - 3600,
      nbf: now - 3600,
      exp: now - 60,
    })
    const saved = process.env.BEARER_TOKEN_FILE
    process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(expired, join(dir, 'expired'))
    try {
      // validateToken would refuse it at construction (tested below); here the failure comes from the broker path.
      await using p = producer({ topic: 'expired', validateToken: false })
      p.produce('x') // fire and forget: the failure must surface at the next call
      await expect.poll(() => p.pendingMessages, { timeout: 20_000 }).toBe(0)
      expect(() => p.produce('y')).toThrow(KafkaTokenError)
      const again = p.produce('z') // the failure was reported; the next message tries again
      const err = (await again.catch((e: unknown) => e)) as Error
      expect(err).toBeInstanceOf(KafkaTokenError)
      expect(err.message).not.toContain(expired)
    } finally {
      process.env.BEARER_TOKEN_FILE = saved
    }
  })

  it('a token the broker refuses gives KafkaAuthenticationError, from produce() and the next flush()', async () => {
    const other = await createTokenIssuer({ issuer: kafka.issuer.issuer, audience: kafka.issuer.audience })
    const forged = await other.mint({ sub: 'forged' })
    const file = await kafka.issuer.writeTokenFile(forged, join(dir, 'forged'))
    const saved = process.env.BEARER_TOKEN_FILE
    process.env.BEARER_TOKEN_FILE = file
    try {
      await using p = producer({ topic: 'forged', reloadCred: false })
      // The broker refused the token: KafkaAuthenticationError itself (not a KafkaTokenError: the token on disk
      // is well formed and unexpired).
      p.produce('x') // not awaited, no callback: the next produce() throws the failure
      await expect.poll(() => p.pendingMessages, { timeout: 20_000 }).toBe(0)
      let thrown: unknown
      try {
        p.produce('y')
      } catch (e) {
        thrown = e
      }
      expect(thrown).toBeInstanceOf(KafkaAuthenticationError)
      expect((thrown as Error).name).toBe('KafkaAuthenticationError')
      expect((thrown as Error).message).not.toContain(forged)

      p.produce('z') // not awaited: reported by the next flush()
      const err = await p.flush(30).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(KafkaAuthenticationError)
      expect((err as Error).name).toBe('KafkaAuthenticationError')
      expect((err as Error).message).not.toContain(forged)
    } finally {
      process.env.BEARER_TOKEN_FILE = saved
    }
  })
})
