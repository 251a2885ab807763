import { KafkaConnectionError } from '@gracedb-kafka/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DeliveryLedger, type Pending } from './delivery-ledger.js'
import { SequencedBatches } from './sequenced-batches.js'

function records(ledger: DeliveryLedger, n: number): Pending[] {
  const out: Pending[] = []
  for (let i = 0; i < n; i++) {
    out.push(
      ledger.create({
        topic: 't',
        size: 1,
        value: Buffer.from(`${i}`),
        key: null,
        deadline: Date.now() + 60_000,
      }),
    )
  }
  return out
}

type State = 'queued' | 'flight' | 'failed' | 'acked'

describe('SequencedBatches', () => {
  it('hasHole: an unacknowledged batch with no record given up precedes an acknowledged one', () => {
    const states = fc.constantFrom<State>('queued', 'flight', 'failed', 'acked')
    const batch = fc.record({
      state: states,
      settled: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
    })
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 7 }), (spec) => {
        const ledger = new DeliveryLedger()
        const batches = new SequencedBatches({ generation: 1, next: 0 })
        for (const { state, settled } of spec) {
          const rs = records(ledger, settled.length)
          settled.forEach((s, i) => {
            if (s) rs[i]!.settled = true
          })
          batches.add(rs).state = state
        }
        // The definition, by brute force over every pair of batches.
        const clean = (i: number) => spec[i]!.state !== 'acked' && !spec[i]!.settled.some(Boolean)
        const hole = spec.some((b, j) => b.state === 'acked' && spec.slice(0, j).some((_, i) => clean(i)))
        expect(batches.hasHole()).toBe(hole)
      }),
      { numRuns: 500 },
    )
  })

  it('numbers batches consecutively and keeps a batch’s numbers when it is sent again', () => {
    const ledger = new DeliveryLedger()
    const batches = new SequencedBatches()
    batches.renumber({ generation: 1, next: 0 }, [])
    const a = batches.add(records(ledger, 3))
    const b = batches.add(records(ledger, 2))
    expect([a.firstSequence, b.firstSequence]).toEqual([0, 3])
    a.state = 'failed'
    b.state = 'failed'
    expect(batches.nextToSend()).toBeUndefined() // resendAll() decides when: after nothing is in flight
    batches.resendAll()
    expect(batches.nextToSend()).toBe(a)
    a.state = 'flight'
    expect(batches.nextToSend()).toBe(b)
    expect(b.firstSequence).toBe(3)
    expect(batches.hasUnacknowledgedBefore(b)).toBe(true)
  })

  it('reports records in order even when a later batch is acknowledged first', async () => {
    const ledger = new DeliveryLedger()
    const batches = new SequencedBatches()
    batches.renumber({ generation: 1, next: 0 }, [])
    const a = batches.add(records(ledger, 2))
    const b = batches.add(records(ledger, 2))
    const order: number[] = []
    for (const p of [...a.records, ...b.records]) void p.promise.then((r) => order.push(r.offset))
    batches.acknowledge(b, { baseOffset: 12, logAppendTime: -1 })
    batches.deliverHead(ledger, 0)
    expect(ledger.pending).toBe(4) // b waits for a
    batches.acknowledge(a, { baseOffset: 10, logAppendTime: -1 })
    batches.deliverHead(ledger, 0)
    await Promise.resolve()
    await Promise.resolve()
    expect(order).toEqual([10, 11, 12, 13])
    expect(batches.size).toBe(0)
  })

  it('a batch placed at -1 (written before, offset no longer known) reports its records delivered at -1', async () => {
    const ledger = new DeliveryLedger()
    const batches = new SequencedBatches()
    batches.renumber({ generation: 1, next: 0 }, [])
    const a = batches.add(records(ledger, 2))
    const b = batches.add(records(ledger, 2))
    batches.acknowledge(a, { baseOffset: -1, logAppendTime: -1 })
    batches.acknowledge(b, { baseOffset: 7, logAppendTime: -1 })
    batches.deliverHead(ledger, 0)
    const offsets = await Promise.all(
      [...a.records, ...b.records].map((p) => p.promise.then((r) => r.offset)),
    )
    expect(offsets).toEqual([-1, -1, 7, 8])
    expect(ledger.pending).toBe(0)
  })

  it('after a new producer id: unacknowledged records go back in order, numbers restart at 0', () => {
    const ledger = new DeliveryLedger()
    const batches = new SequencedBatches()
    batches.renumber({ generation: 1, next: 0 }, [])
    const a = batches.add(records(ledger, 2))
    const b = batches.add(records(ledger, 2))
    a.state = 'failed'
    b.state = 'failed'
    ledger.fail(a.records[0] as Pending, new KafkaConnectionError('gone'))
    expect(batches.hasAbandoned()).toBe(true)
    const tail = records(ledger, 1)
    const queue = batches.renumber({ generation: 2, next: 0 }, tail)
    expect(queue.map((p) => p.value.toString())).toEqual(['1', '0', '1', '0'])
    expect(batches.size).toBe(0)
    expect(batches.generation).toBe(2)
    expect(batches.add(queue).firstSequence).toBe(0)
    expect(batches.hasAbandoned()).toBe(false)
  })

  it('counts only unacknowledged batches against the pipeline depth', () => {
    const ledger = new DeliveryLedger()
    const batches = new SequencedBatches()
    const a = batches.add(records(ledger, 1))
    batches.add(records(ledger, 1))
    batches.acknowledge(a, { baseOffset: 0, logAppendTime: -1 })
    expect(batches.unacknowledged).toBe(1)
    expect(batches.size).toBe(2)
  })
})
