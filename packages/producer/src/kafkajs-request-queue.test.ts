import { createRequire } from 'node:module'
import { fixRequestQueueScheduling } from '@gracedb-kafka/core'
import { afterEach, describe, expect, it } from 'vitest'

// The real kafkajs 2.2.4 RequestQueue class (not a mock): the fix replaces one method on its prototype.
const RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as new (
  options: Record<string, unknown>,
) => {
  pending: unknown[]
  throttledUntil: number
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null
  checkPendingRequests(): void
  destroy(): void
}

const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }
const queues: InstanceType<typeof RequestQueue>[] = []
const newQueue = (overrides: Record<string, unknown> = {}) => {
  const q = new RequestQueue({
    instrumentationEmitter: { emit: () => {} },
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'localhost:9092',
    logger,
    ...overrides,
  })
  queues.push(q)
  return q
}

afterEach(() => {
  for (const q of queues.splice(0)) q.destroy()
})

describe('fixRequestQueueScheduling on kafkajs RequestQueue (tulios/kafkajs#1704, #1751)', () => {
  it('resolves kafkajs from a module URL, and is idempotent', () => {
    expect(fixRequestQueueScheduling(import.meta.url)).toBe(true)
    expect(fixRequestQueueScheduling(RequestQueue)).toBe(true)
    expect(fixRequestQueueScheduling({ prototype: {} })).toBe(false)
    expect(fixRequestQueueScheduling('file:///nonexistent/dir/x.js')).toBe(false)
  })

  it('an idle queue schedules nothing (kafkajs scheduled a 1 ms re-check, forever)', () => {
    fixRequestQueueScheduling(import.meta.url)
    const q = newQueue()
    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    try {
      q.checkPendingRequests()
      expect(q.throttleCheckTimeoutId).toBeNull()
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings.filter((w) => w.name === 'TimeoutNegativeWarning')).toEqual([])
  })

  it('a throttled queue is re-checked when the throttle ends; a queued request every 10 ms while it waits', async () => {
    fixRequestQueueScheduling(import.meta.url)
    const throttled = newQueue()
    throttled.throttledUntil = Date.now() + 60_000
    throttled.checkPendingRequests()
    expect(throttled.throttleCheckTimeoutId).not.toBeNull()

    // No request may go out (in-flight limit 0): a queued one is re-checked every 10 ms until it leaves.
    const waiting = newQueue({ maxInFlightRequests: 0 })
    let checks = 0
    const original = waiting.checkPendingRequests.bind(waiting)
    waiting.checkPendingRequests = () => {
      checks++
      if (checks === 3) waiting.pending.length = 0 // the request left: no further check
      original()
    }
    waiting.pending.push({ correlationId: 1 })
    waiting.checkPendingRequests()
    await expect.poll(() => checks, { timeout: 5_000 }).toBe(3)
    expect(waiting.throttleCheckTimeoutId).toBeNull()
  })
})
