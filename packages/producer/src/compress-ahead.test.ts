import { gunzipSync } from 'node:zlib'
import { KafkaConnectionError } from '@gracedb-kafka/core'
import fc from 'fast-check'
import kafkajs from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { AHEAD_BATCHES, CompressAhead } from './compress-ahead.js'
import { DeliveryLedger, type Pending } from './delivery-ledger.js'
import { planRecords, writeRecords } from './record-batch.js'

const GZIP = kafkajs.CompressionTypes.GZIP // kafkajs's own codec: no registration needed

function record(ledger: DeliveryLedger, i: number, size: number): Pending {
  const p = ledger.create({
    topic: 't',
    size,
    key: null,
    value: Buffer.from(`message ${i} `.padEnd(size, '.')),
    deadline: Date.now() + 60_000,
    timestamp: 1_700_000_000_000 + i,
  })
  p.promise.catch(() => {})
  return p
}

/** The lane's cut (PipelinedLane#newBatch): from the head, skipping settled records, within both limits. */
function cut(queue: Pending[], maxMessages: number, maxBytes: number): Pending[] {
  const batch: Pending[] = []
  let bytes = 0
  let i = 0
  for (; i < queue.length; i++) {
    const p = queue[i] as Pending
    if (p.settled) continue
    if (batch.length >= maxMessages || (batch.length > 0 && bytes + p.size > maxBytes)) break
    batch.push(p)
    bytes += p.size
  }
  queue.splice(0, i)
  return batch
}

/** The records of `batch` as the encoder writes them uncompressed. */
function plain(batch: Pending[]): Buffer {
  const plan = planRecords(batch, Date.now())!
  const out = Buffer.alloc(plan.size)
  writeRecords(plan, batch, out, 0)
  return out
}

describe('CompressAhead', () => {
  it('compresses each complete batch as it fills, cut exactly as the lane cuts it, the bytes the encoder writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 1500 }),
        async (sizes, maxMessages, maxBytes) => {
          const ledger = new DeliveryLedger()
          const ahead = new CompressAhead({ batchNumMessages: maxMessages, batchSize: maxBytes }, GZIP)
          const queue: Pending[] = []
          for (const [i, size] of sizes.entries()) {
            queue.push(record(ledger, i, size))
            ahead.pushed(queue)
          }
          for (let k = 0; queue.length > 0; k++) {
            const batch = cut(queue, maxMessages, maxBytes)
            const taken = ahead.take(batch, queue) // as the lane does: right after its cut
            // The last batch may be partial: never compressed ahead (nothing followed it).
            if (queue.length === 0 && taken.compressed === undefined) continue
            expect(taken.compressed, `batch ${k}`).toBeDefined()
            expect(taken.records).toEqual(batch)
            const done = await taken.compressed!
            expect(done!.messages).toBe(taken.records) // the array the encoder checks it against
            expect(done!.compression).toBe(GZIP)
            expect(gunzipSync(done!.compressed)).toEqual(plain(batch))
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('a batch cut differently (a record failed while queued) is compressed at send time; later ones ahead again', async () => {
    const ledger = new DeliveryLedger()
    const ahead = new CompressAhead({ batchNumMessages: 4, batchSize: 1_000_000 }, GZIP)
    const queue: Pending[] = []
    const push = (from: number, n: number): void => {
      for (let i = from; i < from + n; i++) {
        queue.push(record(ledger, i, 10))
        ahead.pushed(queue)
      }
    }
    push(0, 13) // batches 0-3, 4-7, 8-11 complete; 12 pending
    ledger.fail(queue[5]!, new KafkaConnectionError('given up'))
    const first = ahead.take(cut(queue, 4, 1_000_000), queue)
    expect(first.compressed).toBeDefined()
    const second = cut(queue, 4, 1_000_000) // 4, 6, 7, 8: not the batch compressed ahead
    expect(second.map((p) => String(p.value).trim().split(' ')[1])).toEqual(['4', '6', '7', '8'])
    expect(ahead.take(second, queue).compressed).toBeUndefined()
    push(13, 7) // the cut followed again from the queue: 9-12, 13-16 then complete, 17-19 pending
    const third = cut(queue, 4, 1_000_000)
    const fourth = cut(queue, 4, 1_000_000)
    expect(ahead.take(third, queue).compressed).toBeDefined()
    const taken = ahead.take(fourth, queue)
    expect(gunzipSync((await taken.compressed)!.compressed)).toEqual(plain(fourth))
  })

  it(`compresses at most ${AHEAD_BATCHES} batches ahead, and nothing without compression`, () => {
    const ledger = new DeliveryLedger()
    const ahead = new CompressAhead({ batchNumMessages: 1, batchSize: 1_000_000 }, GZIP)
    const none = new CompressAhead({ batchNumMessages: 1, batchSize: 1_000_000 }, 0)
    const queue: Pending[] = []
    for (let i = 0; i < AHEAD_BATCHES + 10; i++) {
      queue.push(record(ledger, i, 1))
      ahead.pushed(queue)
      none.pushed(queue)
    }
    let compressedAhead = 0
    while (queue.length > 0) {
      const batch = cut(queue, 1, 1_000_000)
      if (ahead.take(batch, queue).compressed !== undefined) compressedAhead++
      expect(none.take(batch, queue).compressed).toBeUndefined()
    }
    expect(compressedAhead).toBe(AHEAD_BATCHES)
  })
})
