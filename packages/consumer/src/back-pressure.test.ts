import type { EachBatchPayload, KafkaMessage } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { BackPressure } from './back-pressure.js'

const message = (offset: number, valueBytes: number, keyBytes = 0): KafkaMessage =>
  ({
    offset: String(offset),
    value: Buffer.alloc(valueBytes),
    key: keyBytes > 0 ? Buffer.alloc(keyBytes) : null,
  }) as KafkaMessage

/**
 * The part of kafkajs's `eachBatch` payload BackPressure reads, over a fixed batch, recording what it is told:
 * the offsets resolved and how often the partition was paused and resumed.
 */
function batch(messages: KafkaMessage[]) {
  const seen = { resolved: [] as string[], pauses: 0, resumes: 0 }
  const payload = {
    batch: { topic: 't', partition: 0, messages },
    resolveOffset: (offset: string) => seen.resolved.push(offset),
    isRunning: () => true,
    isStale: () => false,
    heartbeat: async () => {},
    pause: () => {
      seen.pauses++
      return () => {
        seen.resumes++
      }
    },
  } as unknown as EachBatchPayload
  return { payload, seen }
}

const noCheck = (): void => {}

describe('BackPressure', () => {
  it('pauses at the byte limit, resumes below half of it, and hands out every message once, in order', async () => {
    const bp = new BackPressure(100, 1000)
    const { payload, seen } = batch(Array.from({ length: 10 }, (_, i) => message(i, 250, 50)))
    const done = bp.handleBatch(payload, () => true)
    // 300 bytes each: the 4th reaches 1200 >= 1000, and the fetch loop waits
    expect(bp.size).toBe(4)
    expect(bp.bytes).toBe(1200)
    expect(seen.pauses).toBe(1)
    expect(seen.resolved).toEqual(['3'])
    const offsets = [bp.takeNow()!.message.offset] // 900 bytes left: above half, the fetch loop keeps waiting
    await new Promise((resolve) => setImmediate(resolve))
    expect(bp.size).toBe(3)
    expect(seen.resumes).toBe(0)
    offsets.push(bp.takeNow()!.message.offset, bp.takeNow()!.message.offset) // 300 bytes: half or less, resumes
    await expect.poll(() => seen.resumes, { timeout: 2000, interval: 5 }).toBe(1)
    for (let i = 3; i < 10; i++) {
      const entry = await bp.take(5000, undefined, noCheck)
      offsets.push(entry!.message.offset)
      expect(entry!.bytes).toBe(300)
      expect(bp.bytes).toBeLessThanOrEqual(1200)
    }
    await done
    expect(offsets).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    expect(bp.bytes).toBe(0)
    expect(bp.size).toBe(0)
    expect(seen.resumes).toBe(seen.pauses)
    expect(seen.resolved.at(-1)).toBe('9')
  })

  it('takes one message larger than the limit when nothing is buffered, and the next only after it', async () => {
    const bp = new BackPressure(100, 1000)
    const { payload, seen } = batch([message(0, 5000), message(1, 5000)])
    const done = bp.handleBatch(payload, () => true)
    expect(bp.size).toBe(1)
    expect(bp.bytes).toBe(5000)
    expect(seen.pauses).toBe(1)
    expect(bp.takeNow()?.message.offset).toBe('0')
    expect(bp.bytes).toBe(0)
    await expect.poll(() => bp.size, { timeout: 2000, interval: 5 }).toBe(1)
    expect(bp.takeNow()?.message.offset).toBe('1')
    await done
    expect(bp.bytes).toBe(0)
  })

  it('the message count still bounds small messages', async () => {
    const bp = new BackPressure(3, 1_000_000)
    const { payload } = batch(Array.from({ length: 6 }, (_, i) => message(i, 10)))
    const done = bp.handleBatch(payload, () => true)
    expect(bp.size).toBe(3)
    expect(bp.bytes).toBe(30)
    for (let i = 0; i < 6; i++)
      expect((await bp.take(5000, undefined, noCheck))?.message.offset).toBe(String(i))
    await done
    expect(bp.bytes).toBe(0)
  })

  it('invalidate() drops the buffered bytes; a stale entry taken later does not count again', async () => {
    const bp = new BackPressure(100, 1000)
    const waiting = bp.take(300, undefined, noCheck) // handed the first entry straight from the push
    const { payload } = batch([message(0, 400), message(1, 400), message(2, 400)])
    const done = bp.handleBatch(payload, () => true)
    expect(bp.bytes).toBe(1200)
    bp.invalidate() // a rebalance: everything fetched and not handed out is dropped
    expect(bp.bytes).toBe(0)
    await done
    expect(await waiting).toBeNull() // fetched before the rebalance: dropped, not handed out
    expect(bp.bytes).toBe(0)
    expect(bp.size).toBe(0)
  })
})
