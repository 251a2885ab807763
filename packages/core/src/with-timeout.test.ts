import { describe, expect, it } from 'vitest'
import { withTimeout } from './with-timeout.js'

const never = new Promise<never>(() => {})

describe('withTimeout', () => {
  it('settles with the work when it finishes first', async () => {
    await expect(withTimeout(Promise.resolve(7), 1_000, () => 'late')).resolves.toBe(7)
    await expect(withTimeout(Promise.reject(new Error('boom')), 1_000, () => 'late')).rejects.toThrow('boom')
  })

  it("resolves with onTimeout()'s value, or rejects with what it throws, when the work is slower", async () => {
    await expect(withTimeout(never, 5, () => 'gave up')).resolves.toBe('gave up')
    await expect(
      withTimeout(never, 5, () => {
        throw new RangeError('too slow')
      }),
    ).rejects.toThrow(RangeError)
  })

  it('ignores a rejection of the work after the timeout (no unhandled rejection)', async () => {
    let fail: (err: Error) => void = () => {}
    const work = new Promise<never>((_, reject) => (fail = reject))
    await expect(withTimeout(work, 1, () => undefined)).resolves.toBeUndefined()
    fail(new Error('after the fact'))
    await Promise.resolve()
  })

  it('clears its timer once settled, whichever way: nothing is left to keep the process alive', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    const before = timers()
    await withTimeout(Promise.resolve(1), 60_000, () => 0)
    await withTimeout(Promise.reject(new Error('x')), 60_000, () => 0).catch(() => {})
    const aborted = new AbortController()
    const pending = withTimeout(never, 60_000, () => 0, { signal: aborted.signal })
    aborted.abort()
    await pending.catch(() => {})
    expect(timers()).toBe(before)
  })

  it('waits without a timer for a non-finite ms', async () => {
    await expect(withTimeout(Promise.resolve('ok'), Number.POSITIVE_INFINITY, () => 'never')).resolves.toBe(
      'ok',
    )
  })

  it('rejects with abortError() when the signal aborts, before or during the wait', async () => {
    const before = new AbortController()
    before.abort()
    await expect(
      withTimeout(never, 1_000, () => 'late', {
        signal: before.signal,
        abortError: () => new Error('closed'),
      }),
    ).rejects.toThrow('closed')
    const during = new AbortController()
    const pending = withTimeout(never, 60_000, () => 'late', { signal: during.signal })
    during.abort(new Error('stopped'))
    await expect(pending).rejects.toThrow('stopped')
  })
})
