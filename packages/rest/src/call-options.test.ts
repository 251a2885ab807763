import { describe, expect, it } from 'vitest'
import {
  checkCreateOptions,
  createAccepts,
  plainlyValid,
  reserveAccepts,
  schemaCheck,
} from './call-options.js'

const producer = {
  connect: async () => {},
  produce: async () => ({}),
  flush: async () => 0,
  flushTimeout: 10,
}
// Values of every kind for every key: valid ones, wrong types, and edge cases (null, NaN, an empty string).
const VALUES: unknown[] = [
  undefined,
  null,
  '',
  'AllSky',
  0,
  Number.NaN,
  true,
  false,
  [],
  ['INJ'],
  {},
  new Uint8Array([1]),
  new ArrayBuffer(1),
  new Blob(['x']),
  new AbortController().signal,
  producer,
  { ...producer, flushTimeout: -1 },
  () => {},
]

function* optionObjects(keys: string[]): Generator<Record<string, unknown>> {
  // Every key alone with every value, then pairs of keys, then an unknown key.
  for (const key of keys) for (const v of VALUES) yield { [key]: v }
  for (const a of keys) for (const b of keys) for (const v of VALUES) yield { [a]: v, [b]: VALUES[3] }
  yield { serach: 'AllSky' }
  yield {}
}

describe('the createEvent / reserveGraceId option fast path', () => {
  it.each([
    ['createEvent', createAccepts],
    ['reserveGraceId', reserveAccepts],
  ] as const)('%s: whatever it accepts, the schema accepts too', (owner, accepts) => {
    let fast = 0
    for (const opts of optionObjects([...Object.keys(accepts), 'bogus'])) {
      if (!plainlyValid(opts, accepts)) continue
      fast++
      expect(() => schemaCheck(owner, opts), JSON.stringify(Object.keys(opts))).not.toThrow()
    }
    expect(fast).toBeGreaterThan(10)
  })

  it('leaves anything unusual to the schema, which names the problem as before', () => {
    class Options {
      search = 'AllSky'
    }
    expect(plainlyValid(new Options(), createAccepts)).toBe(false)
    expect(plainlyValid(Object.create({ search: 'AllSky' }), createAccepts)).toBe(false)
    const throwing = Object.defineProperty({}, 'search', {
      enumerable: true,
      get() {
        throw new Error('boom')
      },
    })
    expect(plainlyValid(throwing, createAccepts)).toBe(false)
    expect(() => checkCreateOptions(throwing)).toThrow(/getter threw/)
    expect(() => checkCreateOptions({ serach: 'AllSky' })).toThrow(/did you mean "search"/)
    expect(() => checkCreateOptions({ kafka: {} })).toThrow(expect.objectContaining({ option: 'kafka' }))
    expect(() => checkCreateOptions(null)).toThrow(expect.objectContaining({ option: '(options)' }))
    expect(plainlyValid({ kafka: producer, labels: ['INJ'], search: null }, createAccepts)).toBe(true)
  })
})
