import { InvalidOptionError } from '@gracedb-kafka/core'
import { describe, expect, it } from 'vitest'
import { parsePollOptions, parseStreamOptions } from './call-options.js'

const thrown = (fn: () => unknown): unknown => {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw')
}

describe('poll()/stream() options', () => {
  it('defaults: 1 s waits, no count, no signal, plain messages', () => {
    expect(parsePollOptions(undefined)).toBe(1000)
    expect(parseStreamOptions(undefined)).toEqual({
      waitMs: 1000,
      count: undefined,
      signal: undefined,
      gracedb: false,
      onInvalid: undefined,
    })
    expect(parsePollOptions({ timeout: -3 })).toBe(Number.POSITIVE_INFINITY)
    expect(parsePollOptions({ timeout: 0.25 })).toBe(250)
  })

  it.each([
    ['poll(null)', () => parsePollOptions(null), '(options)'],
    ['poll("1")', () => parsePollOptions('1'), '(options)'],
    ['poll({ timeout: NaN })', () => parsePollOptions({ timeout: Number.NaN }), 'timeout'],
    ['poll({ timout: 1 })', () => parsePollOptions({ timout: 1 }), 'timout'],
    ['stream(null)', () => parseStreamOptions(null), '(options)'],
    ['stream([])', () => parseStreamOptions([]), '(options)'],
    ['stream({ signal: "stop" })', () => parseStreamOptions({ signal: 'stop' }), 'signal'],
    ['stream({ count: 1.5 })', () => parseStreamOptions({ count: 1.5 }), 'count'],
    ['stream({ count: "3" })', () => parseStreamOptions({ count: '3' }), 'count'],
    ['stream({ count: -1 })', () => parseStreamOptions({ count: -1 }), 'count'],
    ['stream({ count: 1e300 })', () => parseStreamOptions({ count: 1e300 }), 'count'],
    ['stream({ count: 2 ** 53 })', () => parseStreamOptions({ count: 2 ** 53 }), 'count'],
    ['stream({ count: Infinity })', () => parseStreamOptions({ count: Number.POSITIVE_INFINITY }), 'count'],
    ['stream({ gracedb: "yes" })', () => parseStreamOptions({ gracedb: 'yes' }), 'gracedb'],
    ['stream({ onInvalid: 1 })', () => parseStreamOptions({ onInvalid: 1 }), 'onInvalid'],
  ])('%s throws InvalidOptionError naming %s', (_, fn, option) => {
    const err = thrown(fn)
    expect(err).toBeInstanceOf(InvalidOptionError)
    expect(err).toMatchObject({ option })
  })
})
