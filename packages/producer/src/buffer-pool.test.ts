import { describe, expect, it } from 'vitest'
import { BufferPool } from './buffer-pool.js'

describe('BufferPool', () => {
  it('hands out buffers of the size asked, reusing one given back when it is large enough', () => {
    const pool = new BufferPool(2)
    const a = pool.take(700_000)
    expect(a.length).toBe(700_000)
    pool.give(a)
    const b = pool.take(900_000) // fits in the megabyte a was cut from
    expect(b.length).toBe(900_000)
    expect(b.buffer).toBe(a.buffer)
    const c = pool.take(900_000) // none free: a new one
    expect(c.buffer).not.toBe(b.buffer)
    const big = pool.take(3_000_000)
    expect(big.length).toBe(3_000_000)
    pool.give(big)
    expect(pool.take(2_000_000).buffer).toBe(big.buffer)
  })

  it('keeps at most `keep` buffers, none over 16 MiB, and ignores views it did not make', () => {
    const pool = new BufferPool(1)
    const a = pool.take(10)
    const b = pool.take(10)
    pool.give(a)
    pool.give(b) // over the limit: dropped
    expect(pool.take(10).buffer).toBe(a.buffer)
    expect(pool.take(10).buffer).not.toBe(b.buffer)
    const huge = pool.take(17 << 20)
    pool.give(huge)
    expect(pool.take(17 << 20).buffer).not.toBe(huge.buffer)
    const foreign = Buffer.alloc(2 << 20).subarray(8)
    pool.give(foreign)
    expect(pool.take(10).buffer).not.toBe(foreign.buffer)
  })
})
