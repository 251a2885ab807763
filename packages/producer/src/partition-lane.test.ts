import { KafkaConnectionError } from '@gracedb-kafka/core'
import { describe, expect, it } from 'vitest'
import type { ProducerConnection } from './connection.js'
import { DeliveryLedger, type Pending } from './delivery-ledger.js'
import type { ProducerTuning } from './options.js'
import { type LaneContext, PartitionLane } from './partition-lane.js'

/** A connection that never reaches a broker: every attempt fails with a connection error (retriable). */
function unreachable(): ProducerConnection {
  return {
    renewIfDue: async () => {},
    ensureConnected: async () => {
      throw Object.assign(new Error('Connection error: ECONNREFUSED'), { name: 'KafkaJSConnectionError' })
    },
    mapError: () => new KafkaConnectionError('Connection error: ECONNREFUSED'),
    metadata: { invalidate: () => {} },
    requestRenewal: () => {},
  } as unknown as ProducerConnection
}

describe('PartitionLane', () => {
  it('keeps retrying a backlog of 300,000 records after a connection error (no stack overflow)', async () => {
    const ledger = new DeliveryLedger()
    let closed = false
    const errors: string[] = []
    const ctx: LaneContext = {
      conn: unreachable(),
      ledger,
      tuning: { batchNumMessages: 1000, batchSize: 1_000_000 } as ProducerTuning,
      compression: { type: 0 },
      closed: () => closed,
      timeoutError: (_p, last) => last ?? new KafkaConnectionError('timed out'),
      onIdle: () => {},
      onError: (e) => void errors.push(e.code),
    }
    const lane = new PartitionLane('t', 0, ctx)
    const records: Pending[] = []
    const deadline = Date.now() + 60_000
    for (let i = 0; i < 300_000; i++) {
      const p = ledger.create({ topic: 't', size: 20, value: Buffer.from('x'), key: null, deadline })
      records.push(p)
      lane.push(p)
    }
    lane.run()
    // A second failed attempt means the lane computed its back-off over the whole backlog and went on.
    await expect.poll(() => errors.length, { timeout: 10_000, interval: 50 }).toBeGreaterThanOrEqual(2)
    expect(new Set(errors)).toEqual(new Set(['ERR_KAFKA_CONNECTION']))
    expect(ledger.pending).toBe(300_000)
    closed = true
    lane.failAll(() => new KafkaConnectionError('closed'))
    expect(ledger.pending).toBe(0)
    await Promise.allSettled(records.slice(0, 3).map((p) => p.promise))
  })
})
