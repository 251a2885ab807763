import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BatchQueue } from './batch-queue.js'

interface Item {
  topic: string
  size: number
  n: number
}

describe('BatchQueue', () => {
  it('batches one topic at a time, oldest head first, within message and byte limits', () => {
    const q = new BatchQueue<Item>()
    q.push({ topic: 'b', size: 10, n: 0 })
    q.push({ topic: 'a', size: 10, n: 1 })
    q.push({ topic: 'b', size: 10, n: 2 })
    q.push({ topic: 'b', size: 10, n: 3 })
    expect(q.count).toBe(4)
    expect(q.bytes).toBe(40)
    expect(q.take(2, 1000).map((i) => i.n)).toEqual([0, 2])
    expect(q.take(10, 1000).map((i) => i.n)).toEqual([1])
    expect(q.take(10, 1000).map((i) => i.n)).toEqual([3])
    expect(q.take(10, 1000)).toEqual([])
    expect(q.count).toBe(0)
    expect(q.bytes).toBe(0)
  })

  it('stops before the byte limit, but always takes one message (a big one travels alone)', () => {
    const q = new BatchQueue<Item>()
    q.push({ topic: 't', size: 600, n: 0 })
    q.push({ topic: 't', size: 600, n: 1 })
    q.push({ topic: 't', size: 5000, n: 2 })
    expect(q.take(10, 1000).map((i) => i.n)).toEqual([0])
    expect(q.take(10, 1000).map((i) => i.n)).toEqual([1])
    expect(q.take(10, 1000).map((i) => i.n)).toEqual([2])
  })

  it('never loses, duplicates or reorders messages within a topic', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 1, max: 50 })), {
          maxLength: 300,
        }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 200 }),
        (items, maxMessages, maxBytes) => {
          const q = new BatchQueue<Item>()
          for (const [n, [topic, size]] of items.entries()) q.push({ topic, size, n })
          const out: Item[] = []
          for (let guard = 0; q.count > 0 && guard < 10_000; guard++) {
            const batch = q.take(maxMessages, maxBytes)
            expect(batch.length).toBeGreaterThan(0)
            expect(batch.length).toBeLessThanOrEqual(maxMessages)
            expect(new Set(batch.map((i) => i.topic)).size).toBe(1)
            const bytes = batch.reduce((s, i) => s + i.size, 0)
            if (batch.length > 1) expect(bytes).toBeLessThanOrEqual(maxBytes)
            out.push(...batch)
          }
          expect(out.map((i) => i.n).sort((x, y) => x - y)).toEqual(items.map((_, n) => n))
          for (const t of ['a', 'b', 'c']) {
            const ns = out.filter((i) => i.topic === t).map((i) => i.n)
            expect(ns).toEqual([...ns].sort((x, y) => x - y))
          }
        },
      ),
      { numRuns: 200 },
    )
  })

  it('drain() empties everything', () => {
    const q = new BatchQueue<Item>()
    q.push({ topic: 'a', size: 1, n: 0 })
    q.push({ topic: 'b', size: 1, n: 1 })
    expect(q.drain().map((i) => i.n)).toEqual([0, 1])
    expect(q.count).toBe(0)
  })
})
