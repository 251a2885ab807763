import type { PartitionMetadata } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { BatchQueue } from './batch-queue.js'
import { DeliveryLedger, type Pending } from './delivery-ledger.js'
import { EarlyDispatch, type EarlyDispatchContext } from './early-dispatch.js'

const PARTITIONS = [{ partitionId: 0, leader: 1 }] as PartitionMetadata[]

function setUp(over: Partial<EarlyDispatchContext> = {}) {
  const ledger = new DeliveryLedger()
  const queue = new BatchQueue<Pending>()
  const push = (topic: string, n: number): void => {
    for (let i = 0; i < n; i++) {
      const p = ledger.create({
        topic,
        size: 10,
        key: null,
        value: Buffer.from('x'),
        deadline: Date.now() + 1e4,
      })
      p.promise.catch(() => {})
      queue.push(p)
    }
  }
  const early = new EarlyDispatch({
    batchNumMessages: 3,
    batchSize: 1_000_000,
    ready: () => true,
    cachedPartitions: (topic) => (topic === 'known' ? PARTITIONS : undefined),
    parked: () => false,
    ...over,
  })
  return { queue, push, early }
}

describe('EarlyDispatch', () => {
  it('a full batch of a topic whose partitions are cached goes at once, with those partitions', () => {
    const { queue, push, early } = setUp()
    push('known', 2)
    expect(early.next(queue)).toBeUndefined() // not full yet: it lingers as before
    push('known', 1)
    expect(early.next(queue)).toBe(PARTITIONS)
  })

  it('waits for the asynchronous dispatch when anything would need I/O or the order could change', () => {
    const notCached = setUp()
    notCached.push('unknown', 3)
    expect(notCached.early.next(notCached.queue)).toBeUndefined() // partitions to be fetched

    const notReady = setUp({ ready: () => false })
    notReady.push('known', 3)
    expect(notReady.early.next(notReady.queue)).toBeUndefined() // connecting, or the topic check pending

    const parked = setUp({ parked: (topic) => topic === 'known' })
    parked.push('known', 3)
    expect(parked.early.next(parked.queue)).toBeUndefined() // behind messages waiting for the topic

    const behind = setUp()
    behind.push('other', 1) // an older message of another topic is served first: nothing overtakes it
    behind.push('known', 3)
    expect(behind.early.next(behind.queue)).toBeUndefined()
  })
})
