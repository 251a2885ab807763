import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { saslClient } from './fixtures/clients.js'
import { sharedKafka } from './vitest.js'

describe('shared broker (vitest global setup)', () => {
  it('accepts a token minted in the worker over SASL_SSL and stores a produced message', async () => {
    const kafka = await sharedKafka()
    const topic = `testkit-shared-${Date.now()}`
    await kafka.createTopic(topic)
    const token = await kafka.issuer.mint({ sub: 'shared-worker' })
    const client = saslClient(kafka, token)
    const producer = client.producer()
    await producer.connect()
    await producer.send({ topic, messages: [{ value: 'hello shared' }] })
    await producer.disconnect()
    const admin = client.admin()
    await admin.connect()
    const offsets = await admin.fetchTopicOffsets(topic)
    await admin.disconnect()
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(1)
    expect(offsets).toHaveLength(3)
  })

  it("does not auto-create topics, as GraceDB's brokers do not: producing to a missing topic fails", async () => {
    const kafka = await sharedKafka()
    const topic = `testkit-never-created-${Date.now()}`
    const token = await kafka.issuer.mint({ sub: 'shared-worker' })
    const client = saslClient(kafka, token, { retries: 1 })
    const producer = client.producer({ allowAutoTopicCreation: true })
    await producer.connect()
    try {
      await expect(producer.send({ topic, messages: [{ value: 'nowhere' }] })).rejects.toThrow(
        /does not host this topic-partition|UNKNOWN_TOPIC|not exist/i,
      )
    } finally {
      await producer.disconnect()
    }
    const admin = client.admin()
    await admin.connect()
    try {
      expect(await admin.listTopics()).not.toContain(topic)
    } finally {
      await admin.disconnect()
    }
  })

  it('started in under 30 s with the JVM heap capped at 512 MB (issue 3)', async () => {
    const kafka = await sharedKafka()
    expect(kafka.startupMs).toBeGreaterThan(0)
    expect(kafka.startupMs).toBeLessThan(30_000)
    const pid = kafka.pid()
    expect(pid).toBeTypeOf('number')
    // The JVM honours the last -Xmx on its command line.
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    expect(args.filter((a) => a.startsWith('-Xmx')).at(-1)).toBe('-Xmx512m')
    expect(args).toContain('kafka.Kafka')
    // Heap plus metaspace, code cache and thread stacks: well under 1 GiB resident.
    const rss = kafka.rssBytes()
    expect(rss).toBeGreaterThan(0)
    expect(rss).toBeLessThan(1024 * 2 ** 20)
  })
})
