import { createRequire } from 'node:module'
import { type KafkaError, KafkaTopicError, toKafkaError } from '@gracedb-kafka/core'
import type { PartitionMetadata } from 'kafkajs'
import { afterEach, describe, expect, it } from 'vitest'
import type { Pending } from './delivery-ledger.js'
import { isMissingTopic, type ParkingContext, TopicParking } from './topic-parking.js'

// kafkajs's own protocol errors, as its metadata request throws them.
const require = createRequire(import.meta.url)
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as {
  createErrorFromCode: (code: number) => Error & { type: string; retriable: boolean }
}
const UNKNOWN_TOPIC = 3
const TOPIC_AUTHORIZATION_FAILED = 29
const map = (err: unknown, _since: number, topic: string): KafkaError =>
  toKafkaError(err, { role: 'delivery', topic, action: `Delivery to ${topic}` })
const PARTITIONS = [{ partitionId: 0, leader: 1, replicas: [1], isr: [1] }] as unknown as PartitionMetadata[]

function pending(topic: string, deadline: number, i: number): Pending {
  return { topic, deadline, settled: false, value: Buffer.from(`${i}`) } as unknown as Pending
}

/** A parking whose metadata answers come from `answer` (the topic missing until told otherwise). */
function setup(answer: () => PartitionMetadata[]) {
  const released: Pending[][] = []
  const gaveUp: KafkaError[] = []
  const failed: { p: Pending; error: KafkaError }[] = []
  let checks = 0
  const ctx: ParkingContext = {
    closed: () => false,
    partitions: async () => {
      checks++
      return answer()
    },
    mapError: map,
    onError: () => {},
    release: (messages) => released.push(messages),
    giveUp: (_messages, error) => gaveUp.push(error),
    expire: (p, error) => {
      p.settled = true
      failed.push({ p, error })
    },
    deliveryTimeoutMs: 30_000,
  }
  return { parking: new TopicParking(ctx), released, gaveUp, failed, checks: () => checks }
}

const missing = (topic: string): KafkaError => map(createErrorFromCode(UNKNOWN_TOPIC), 0, topic)
let cleanup: (() => void) | undefined
afterEach(() => cleanup?.())

describe('isMissingTopic', () => {
  it('is true for UNKNOWN_TOPIC_OR_PARTITION only, not for an authorisation failure', () => {
    const unknown = createErrorFromCode(UNKNOWN_TOPIC)
    const forbidden = createErrorFromCode(TOPIC_AUTHORIZATION_FAILED)
    expect(isMissingTopic(map(unknown, 0, 't'), unknown)).toBe(true)
    expect(isMissingTopic(map(forbidden, 0, 't'), forbidden)).toBe(false)
  })
})

describe('TopicParking', () => {
  it('keeps messages in order (later ones join) and releases them once when the topic appears', async () => {
    let exists = false
    const s = setup(() => {
      if (!exists) throw createErrorFromCode(UNKNOWN_TOPIC)
      return PARTITIONS
    })
    cleanup = () => s.parking.failAll(() => new KafkaTopicError('cleanup'))
    const far = Date.now() + 60_000
    s.parking.park('t', [pending('t', far, 0), pending('t', far, 1)], missing('t'))
    expect(s.parking.has('t')).toBe(true)
    await expect.poll(s.checks).toBeGreaterThan(0) // asked again in the background
    s.parking.park('t', [pending('t', far, 2)], undefined)
    expect(s.released).toEqual([])
    exists = true
    await expect.poll(() => s.released.length, { timeout: 10_000 }).toBe(1)
    expect(s.released[0]!.map((p) => p.value.toString())).toEqual(['0', '1', '2'])
    expect(s.parking.has('t')).toBe(false)
    expect(s.failed).toEqual([])
  })

  it('fails each message at its own deadline with a KafkaTopicError naming the topic', () => {
    const s = setup(() => {
      throw createErrorFromCode(UNKNOWN_TOPIC)
    })
    cleanup = () => s.parking.failAll(() => new KafkaTopicError('cleanup'))
    const now = Date.now()
    const early = pending('t', now + 1_000, 0)
    const late = pending('t', now + 5_000, 1)
    s.parking.park('t', [early, late], missing('t'))
    s.parking.expire(now + 2_000)
    expect(s.failed.map((f) => f.p)).toEqual([early])
    const error = s.failed[0]!.error
    expect(error).toBeInstanceOf(KafkaTopicError)
    expect(error).toMatchObject({ code: 'ERR_KAFKA_TOPIC', topic: 't' })
    expect(error.message).toMatch(/not delivered within 30s \(delivery\.timeout\.ms\)/)
    expect(s.parking.has('t')).toBe(true)
    s.parking.expire(now + 6_000)
    expect(s.failed.map((f) => f.p)).toEqual([early, late])
    expect(s.parking.has('t')).toBe(false) // nothing left to wait for
  })

  it('gives up at once when the topic turns out to be forbidden', async () => {
    const s = setup(() => {
      throw createErrorFromCode(TOPIC_AUTHORIZATION_FAILED)
    })
    s.parking.park('t', [pending('t', Date.now() + 60_000, 0)], missing('t'))
    await expect.poll(() => s.gaveUp.length, { timeout: 10_000 }).toBe(1)
    expect(s.gaveUp[0]).toMatchObject({ code: 'ERR_KAFKA_TOPIC_AUTHORIZATION' })
    expect(s.parking.has('t')).toBe(false)
  })
})
