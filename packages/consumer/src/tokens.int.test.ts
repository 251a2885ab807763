import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GraceDbKafkaConsumer } from './consumer.js'
import { consumerOptions, freshTopic, plaintextClient, uniq } from './testing/helpers.js'

// Own broker: sessions must re-authenticate every 5 s (connections.max.reauth.ms), tokens live 20 s and a new
// one is written to the token file every 10 s.
let kafka: KafkaTestCluster
let rotation: { stop(): void; readonly count: number } | undefined

beforeAll(async () => {
  kafka = await startKafka({ reauthMs: 5000 })
  const path = join(mkdtempSync(join(tmpdir(), 'gk-consumer-tokens-')), 'token')
  const rot = kafka.issuer.rotate({ path, every: 10, lifetime: 20 })
  rotation = rot
  process.env.BEARER_TOKEN_FILE = await rot.ready
})

afterAll(async () => {
  rotation?.stop()
  await kafka?.stop()
})

describe('token rotation with forced re-authentication', () => {
  it('consumes continuously for 60 s, then still receives a message after an idle gap longer than a token life', async () => {
    const { instance, topic } = await freshTopic(kafka)
    const producer = plaintextClient(kafka).producer()
    await producer.connect()
    const groupId = `tokens-${uniq()}`
    const tokensBefore = rotation?.count ?? 0
    await using consumer = new GraceDbKafkaConsumer(
      consumerOptions(kafka, instance, { topics: 'test', groupId, reloadBuffer: 5 }),
    )
    await consumer.subscribe('test')
    const received: number[] = []
    const consuming = (async () => {
      for await (const m of consumer.stream({ timeout: 0.5 })) received.push((m.value as { n: number }).n)
    })()

    // 60 s of continuous traffic: one message every 250 ms, across ~6 token lifetimes and ~12 forced re-auths
    let sent = 0
    const t0 = Date.now()
    while (Date.now() - t0 < 60_000) {
      await producer.send({ topic, messages: [{ value: JSON.stringify({ n: sent }) }] })
      sent++
      await sleep(250)
    }
    await expect.poll(() => received.length, { timeout: 15_000, interval: 100 }).toBeGreaterThanOrEqual(sent)
    expect(received).toEqual(Array.from({ length: sent }, (_, i) => i))

    // idle for longer than a token's whole life (20 s): no traffic at all
    await sleep(25_000)
    await producer.send({ topic, messages: [{ value: JSON.stringify({ n: sent }) }] })
    await expect.poll(() => received.length, { timeout: 20_000, interval: 100 }).toBeGreaterThan(sent)
    expect(received[sent]).toBe(sent)
    consumer.stop()
    await consuming
    await producer.disconnect()
    // The token file was rewritten with fresh tokens throughout (every 10 s over ~90 s). Sessions last at most
    // 5 s and tokens 20 s, so the traffic above means the consumer kept authenticating with the rotated tokens
    // (kafkajs re-authenticates before a session ends; the broker closes a connection that does not).
    expect((rotation?.count ?? 0) - tokensBefore).toBeGreaterThanOrEqual(7)
    // The broker (log level INFO) logs every refused (re-)authentication as "Failed [re-]authentication with …",
    // and the group coordinator logs each generation as "Stabilized group <id> generation <n>". A session that
    // failed to re-authenticate in time is closed by the broker; a consumer that lost its session or crashed
    // re-joins, which would show as generation 2. Neither happened.
    const log = kafka.readLog()
    expect(log).not.toMatch(/Failed (re-)?authentication with/)
    const generations = log.split('\n').filter((l) => l.includes(`Stabilized group ${groupId} generation`))
    expect(generations).toHaveLength(1)
    expect(generations[0]).toContain(`Stabilized group ${groupId} generation 1 `)
  })
})
