import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GraceDbKafkaConsumer } from './consumer.js'
import { consumerOptions, uniq } from './testing/helpers.js'

// Own broker: sessions must re-authenticate every 5 s (connections.max.reauth.ms), tokens live 20 s and a new
// one is written to the token file every 10 s.
let kafka: KafkaTestCluster
let rotation: { stop(): void } | undefined

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('token rotation with forced re-authentication', () => {
  it('consumes continuously for 60 s, then still receives a message after an idle gap longer than a token life', async () => {
    const instance = `ct${uniq()}`
    const topic = `${instance}.test`
    await kafka.createTopic(topic, { partitions: 1 })
    const producer = new kafkajs.Kafka({
      clientId: 'tokens-int-test',
      brokers: kafka.plaintextBootstrapServers.split(','),
      logLevel: kafkajs.logLevel.NOTHING,
    }).producer()
    await producer.connect()
    await using consumer = new GraceDbKafkaConsumer(
      consumerOptions(kafka, instance, { topics: 'test', groupId: `tokens-${uniq()}`, reloadBuffer: 5 }),
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
    const drainDeadline = Date.now() + 15_000
    while (received.length < sent && Date.now() < drainDeadline) await sleep(100)
    expect(received).toEqual(Array.from({ length: sent }, (_, i) => i))

    // idle for longer than a token's whole life (20 s): no traffic at all
    await sleep(25_000)
    await producer.send({ topic, messages: [{ value: JSON.stringify({ n: sent }) }] })
    const sentAt = Date.now()
    while (received.length <= sent && Date.now() - sentAt < 20_000) await sleep(100)
    expect(received[sent]).toBe(sent)
    consumer.stop()
    await consuming
    await producer.disconnect()
  })
})
