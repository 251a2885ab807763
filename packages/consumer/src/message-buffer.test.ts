import { describe, expect, it } from 'vitest'
import { MessageBuffer } from './message-buffer.js'

describe('MessageBuffer', () => {
  it('is FIFO and reports room against its capacity', async () => {
    const b = new MessageBuffer<number>(3)
    b.push(1)
    b.push(2)
    expect(b.hasRoom()).toBe(true)
    b.push(3)
    expect(b.hasRoom()).toBe(false)
    expect(await b.take(0)).toBe(1)
    expect(b.tryTake()).toBe(2)
    expect(b.size).toBe(1)
    expect(b.hasRoom()).toBe(true)
  })
  it('resolves a waiting taker on push, and null on timeout', async () => {
    const b = new MessageBuffer<string>(2)
    const waiting = b.take(5_000)
    b.push('x')
    expect(await waiting).toBe('x') // handed straight to the waiting taker, not queued
    expect(b.size).toBe(0)
    const t0 = Date.now()
    expect(await b.take(30)).toBeNull()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25)
    b.push('y') // the timed-out taker is gone: the item is queued
    expect(b.size).toBe(1)
  })
  it('ends a wait on abort and on wake()', async () => {
    const b = new MessageBuffer<string>(2)
    const ac = new AbortController()
    const aborted = b.take(60_000, ac.signal)
    ac.abort()
    expect(await aborted).toBeNull()
    const woken = b.take(60_000)
    b.wake()
    expect(await woken).toBeNull()
    b.push('later') // no taker is left waiting: the item is queued
    expect(b.size).toBe(1)
  })
  it('clear() drops queued items; later pushes and takes work as before', async () => {
    const b = new MessageBuffer<number>(100)
    for (let i = 0; i < 10; i++) b.push(i)
    b.tryTake()
    b.clear()
    expect(b.size).toBe(0)
    expect(b.tryTake()).toBeUndefined()
    expect(b.hasRoom()).toBe(true)
    const waiting = b.take(5_000)
    b.push(42)
    expect(await waiting).toBe(42)
  })
  it('keeps order across internal compaction over many items', () => {
    const b = new MessageBuffer<number>(10_000)
    const out: number[] = []
    for (let i = 0; i < 5000; i++) b.push(i)
    for (let i = 0; i < 3000; i++) out.push(b.tryTake() as number)
    for (let i = 5000; i < 6000; i++) b.push(i)
    let v = b.tryTake()
    while (v !== undefined) {
      out.push(v)
      v = b.tryTake()
    }
    expect(out).toEqual(Array.from({ length: 6000 }, (_, i) => i))
  })
  it('rejects a capacity below 1', () => {
    expect(() => new MessageBuffer(0)).toThrow(RangeError)
  })
})
