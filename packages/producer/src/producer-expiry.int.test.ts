import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { KafkaAuthenticationError, KafkaTokenError } from '@gracedb-kafka/core'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { GraceDbKafkaProducer } from './producer.js'

// Own broker forcing re-authentication every 3 s: a session can then outlive its token by 3 s at most.
let kafka: KafkaTestCluster
let dir: string
const savedEnv = { ...process.env }

beforeAll(async () => {
  kafka = await startKafka({ reauthMs: 3_000, log: () => {} })
  dir = mkdtempSync(join(tmpdir(), 'producer-expiry-'))
})

afterAll(async () => {
  process.env = savedEnv
  await kafka?.stop()
  rmSync(dir, { recursive: true, force: true })
})

it('a token that expires without being refreshed surfaces as KafkaTokenError on the next produce() and flush()', async () => {
  const lifetime = 15
  const token = await kafka.issuer.mint({ sub: 'expiring' }, { lifetime })
  const expiresAt = Date.now() + lifetime * 1000
  process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(token, join(dir, 'token'))
  await using p = new GraceDbKafkaProducer({
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    instanceName: 'gracedb-exp',
    topic: 'expiry',
    reloadCred: true, // reloads from disk, but nobody writes a fresh token there
  })
  await kafka.createTopic('gracedb-exp.expiry', { partitions: 1 })

  // While the token is valid, messages go through across forced re-authentications.
  for (let i = 0; i < 4; i++) {
    expect((await p.produce({ i })).topic).toBe('gracedb-exp.expiry')
    await sleep(1_000)
  }

  await sleep(Math.max(0, expiresAt - Date.now()) + 4_000) // expired, and the broker's session with it

  p.produce('after expiry') // not awaited, no callback: the next produce() throws the failure
  await expect.poll(() => p.pendingMessages, { timeout: 30_000 }).toBe(0)
  let thrown: unknown
  try {
    p.produce('next')
  } catch (e) {
    thrown = e
  }
  expect(thrown).toBeInstanceOf(KafkaTokenError)
  expect(thrown).toBeInstanceOf(KafkaAuthenticationError)
  expect((thrown as KafkaTokenError).code).toBe('ERR_KAFKA_TOKEN_EXPIRED')
  expect((thrown as KafkaTokenError).message).toMatch(/expired/)
  expect((thrown as KafkaTokenError).message).not.toContain(token)

  p.produce('again') // not awaited: the next flush() reports it
  const err = await p.flush(30).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(KafkaTokenError)
  expect((err as KafkaTokenError).code).toBe('ERR_KAFKA_TOKEN_EXPIRED')
  expect((err as Error).message).not.toContain(token)
  console.info(`token expiry: ${(err as KafkaTokenError).name} ${(err as KafkaTokenError).code}`)
}, 90_000)
