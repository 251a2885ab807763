import { describe, expect, it } from 'vitest'
import { DeliveryPromise } from './delivery-promise.js'

describe('DeliveryPromise', () => {
  it('a rejection nobody looks at is not an unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason)
    }
    process.on('unhandledRejection', onUnhandled)
    try {
      const d = DeliveryPromise.create<number>()
      d.reject(new Error('boom'))
      await new Promise((r) => setTimeout(r, 20))
      expect(unhandled).toEqual([])
      expect(d.promise.observed).toBe(false)
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('records that the caller awaited or handled it, and still resolves normally', async () => {
    const d = DeliveryPromise.create<number>()
    d.resolve(5)
    expect(d.promise.observed).toBe(false)
    expect(await d.promise).toBe(5)
    expect(d.promise.observed).toBe(true)
    const e = DeliveryPromise.create<number>()
    e.reject(new Error('x'))
    await e.promise.catch(() => {})
    expect(e.promise.observed).toBe(true)
    expect(e.promise).toBeInstanceOf(Promise)
  })

  it('open/fail: rejected without an unhandled rejection, handled only when it fails, settled once', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason)
    }
    process.on('unhandledRejection', onUnhandled)
    try {
      const failed = DeliveryPromise.open<number>()
      DeliveryPromise.fail(failed, new Error('boom'))
      DeliveryPromise.fulfil(failed, 1) // no-op: already settled
      const fulfilled = DeliveryPromise.open<number>()
      DeliveryPromise.fulfil(fulfilled, 2)
      DeliveryPromise.fail(fulfilled, new Error('late')) // no-op: already settled
      await new Promise((r) => setTimeout(r, 20))
      expect(unhandled).toEqual([])
      expect(failed.observed).toBe(false)
      expect(fulfilled.observed).toBe(false)
      await expect(failed).rejects.toThrow('boom')
      expect(await fulfilled).toBe(2)
      expect(failed.observed).toBe(true)
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
