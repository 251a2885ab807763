import { KafkaMessageDeliveryError, KafkaTopicError } from '@gracedb-kafka/core'
import { expect, it } from 'vitest'
import type { DeliveryReport } from './delivery-ledger.js'
import type { GraceDbKafkaProducer } from './producer.js'
import { kafka, producer, useProducerBroker } from './testing/broker-fixture.js'
import { readBack } from './testing/read-back.js'

// A topic the broker does not have (auto-creation off, checkForTopics off): as librdkafka, the producer waits for
// it until each message's delivery timeout, without holding up other topics, and sends its messages, in order
// and once, if it appears meanwhile.
useProducerBroker('producer-missing-topic', 'miss')

/** A producer that does not check for its topics at start-up, so a missing one is met only when sending. */
const uncheckedProducer = (extra: Record<string, unknown> = {}): GraceDbKafkaProducer =>
  producer({ checkForTopics: false, ...extra })

it('a missing topic does not delay the messages of another topic', async () => {
  // A long delivery timeout: the missing topic's message waits far longer than the other one needs.
  await using p = uncheckedProducer({ kafkaConfig: { 'delivery.timeout.ms': 120_000 } })
  await kafka.createTopic(`${p.instanceName}.present`, { partitions: 1 })
  const events: string[] = []
  const waiting = p.produce('first', { topic: 'absent' }).then(
    () => events.push('absent delivered'),
    (err: unknown) => events.push(`absent failed: ${(err as Error).name}`),
  )
  const report = await p.produce('second', { topic: 'present' })
  events.push('present delivered')
  expect(report.topic).toBe(`${p.instanceName}.present`)
  expect(report.offset).toBe(0)
  expect(events).toEqual(['present delivered']) // the absent topic's message is still waiting, not failed
  expect(p.pendingMessages).toBe(1)
  // A strict flush that times out names the missing topic.
  const err = await p.flush(0.5, true).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(KafkaTopicError)
  expect((err as Error).message).toMatch(/Delivery timed out after 0\.5s with 1 message\(s\) still queued/)
  expect((err as Error).message).toContain(`${p.instanceName}.absent`)
  await p.close(0).catch(() => {}) // fails the waiting message (closed)
  await waiting
  expect(events).toEqual(['present delivered', 'absent failed: ClientClosedError'])
  expect(p.pendingMessages).toBe(0)
})

it('a topic created while messages wait for it gets them, in order, exactly once', async () => {
  await using p = uncheckedProducer({ kafkaConfig: { 'delivery.timeout.ms': 120_000 } })
  const topic = `${p.instanceName}.late`
  const reports: Promise<DeliveryReport>[] = []
  for (let i = 0; i < 10; i++) reports.push(p.produce({ i }, { topic: 'late' }))
  expect(await p.flush(1)).toBe(10) // nothing can be delivered yet, and nothing failed
  for (let i = 10; i < 20; i++) reports.push(p.produce({ i }, { topic: 'late', key: `k${i % 3}` }))
  await kafka.createTopic(topic, { partitions: 1 })
  expect(await p.flush(60, true)).toBe(0)
  const delivered = await Promise.all(reports)
  expect(delivered.map((r) => r.offset)).toEqual([...Array(20).keys()]) // produce order on the one partition
  const read = await readBack(kafka.plaintextBootstrapServers, topic, 20, { settleMs: 1_000 })
  expect(read.map((m) => JSON.parse(m.value!.toString()).i)).toEqual([...Array(20).keys()]) // once each
})

it('a message that waited in vain fails at its own deadline with the topic problem', async () => {
  await using p = uncheckedProducer({ kafkaConfig: { 'delivery.timeout.ms': 1_000 } })
  const err = await p.produce('x', { topic: 'never' }).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(KafkaTopicError)
  expect(err).toBeInstanceOf(KafkaMessageDeliveryError)
  expect(err).toMatchObject({ code: 'ERR_KAFKA_TOPIC', topic: `${p.instanceName}.never` })
  expect((err as Error).message).toMatch(/not delivered within 1s \(delivery\.timeout\.ms\).*does not exist/)
  expect(p.pendingMessages).toBe(0)
  expect(await p.flush(0)).toBe(0) // seen through the promise: a plain flush does not throw it again
})
