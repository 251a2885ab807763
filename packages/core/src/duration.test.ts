import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { InvalidOptionError, MAX_TIMER_MS, secondsToMs } from './index.js'

describe('secondsToMs', () => {
  it('converts seconds to ms', () => {
    expect(secondsToMs(0, 'timeout')).toBe(0)
    expect(secondsToMs(1.5, 'timeout')).toBe(1500)
    expect(secondsToMs(0.0001, 'timeout')).toBe(1)
  })

  it('caps huge values and Infinity at the largest delay Node timers accept', () => {
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1)
    expect(secondsToMs(1e9, 'timeout')).toBe(MAX_TIMER_MS)
    expect(secondsToMs(Number.POSITIVE_INFINITY, 'timeout')).toBe(MAX_TIMER_MS)
    expect(secondsToMs(2_147_483.647, 'timeout')).toBe(MAX_TIMER_MS)
  })

  it('a capped delay really waits: a timer with it has not fired after 50 ms', async () => {
    let fired = false
    const timer = setTimeout(
      () => {
        fired = true
      },
      secondsToMs(1e9, 'timeout'),
    )
    await sleep(50)
    clearTimeout(timer)
    expect(fired).toBe(false)
  })

  it('-1 means forever only when allowed', () => {
    expect(secondsToMs(-1, 'timeout', { forever: true })).toBeUndefined()
    expect(() => secondsToMs(-1, 'timeout')).toThrow(InvalidOptionError)
  })

  const bad: Array<[string, unknown, boolean]> = [
    ['NaN', Number.NaN, false],
    ['negative', -0.5, false],
    ['-2 with forever', -2, true],
    ['-Infinity', Number.NEGATIVE_INFINITY, true],
    ['a string', '10', false],
    ['undefined', undefined, true],
  ]
  it.each(bad)('rejects %s naming the option', (_label, value, forever) => {
    let caught: unknown
    try {
      secondsToMs(value as number, 'flushTimeout', { forever })
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(InvalidOptionError)
    expect((caught as InvalidOptionError).option).toBe('flushTimeout')
    expect((caught as InvalidOptionError).message).toContain('"flushTimeout"')
    expect((caught as InvalidOptionError).message).toMatch(forever ? /-1 to wait forever/ : /seconds >= 0/)
  })
})
