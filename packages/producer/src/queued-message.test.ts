// A queued message keeps its value as a place in a buffer: what it reports and what the encoder writes for it
// are the same as for the Buffer it was given (a view into a shared slab included).
import fc from 'fast-check'
import { CompressionTypes } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { DeliveryLedger } from './delivery-ledger.js'
import { encodeProduceRequest, type ProduceRequestArgs } from './produce-request.js'
import { QueuedMessage } from './queued-message.js'

const request = (messages: ProduceRequestArgs['topicData'][number]['partitions'][number]['messages']) => ({
  acks: -1,
  timeout: 30000,
  producerId: 7,
  producerEpoch: 0,
  compression: CompressionTypes.None,
  topicData: [{ topic: 't', partitions: [{ partition: 0, firstSequence: 3, messages }] }],
})

describe('QueuedMessage', () => {
  it('gives back the bytes, the deadline and the timestamp it was created with', () => {
    const slab = Buffer.from('xxhello, worldyy')
    const value = slab.subarray(2, 14)
    const m = new QueuedMessage({ topic: 't', size: 12, key: null, value, timestamp: 1000, deadline: 31_000 })
    expect(m.value.toString()).toBe('hello, world')
    expect(m.valueLength).toBe(12)
    expect(m.timestamp).toBe(1000)
    expect(m.deadline).toBe(31_000)
    expect(m.settled).toBe(false)
    expect(m.inDoubt).toBeUndefined()
  })

  it('is what the ledger registers', () => {
    const ledger = new DeliveryLedger()
    const p = ledger.create({
      topic: 't',
      size: 1,
      key: null,
      value: Buffer.from('x'),
      deadline: Date.now() + 5,
    })
    expect(p).toBeInstanceOf(QueuedMessage)
    expect(ledger.pending).toBe(1)
  })

  it('is encoded byte for byte as a record holding the same Buffer', async () => {
    const part = fc.record({
      key: fc.option(
        fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)),
        { nil: null },
      ),
      value: fc.uint8Array({ maxLength: 300 }),
      before: fc.nat(40),
      timestamp: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }),
    })
    await fc.assert(
      fc.asyncProperty(fc.array(part, { minLength: 1, maxLength: 20 }), async (parts) => {
        // Values placed at offsets in one shared buffer, as the producer's slabs hold them.
        const shared = Buffer.alloc(parts.reduce((n, p) => n + p.before + p.value.length, 0))
        let at = 0
        const plain = parts.map((p) => {
          at += p.before
          shared.set(p.value, at)
          const value = shared.subarray(at, at + p.value.length)
          at += p.value.length
          return { key: p.key, value, timestamp: p.timestamp }
        })
        const queued = plain.map(
          (r) =>
            new QueuedMessage({
              topic: 't',
              size: r.value.length,
              key: r.key,
              value: r.value,
              timestamp: r.timestamp,
              deadline: r.timestamp + 30_000,
            }),
        )
        // The encoder reads the place, never the view `value` would make for each record.
        for (const q of queued)
          Object.defineProperty(q, 'value', {
            get: () => {
              throw new Error('value read')
            },
          })
        const a = await encodeProduceRequest(request(plain))
        const b = await encodeProduceRequest(request(queued))
        expect(a).toBeDefined()
        expect(b?.equals(a as Buffer)).toBe(true)
      }),
      { numRuns: 200 },
    )
  })
})
