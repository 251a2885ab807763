import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeHeaders, decodeKey, decodeMessage, decodeValue } from './decode.js'

describe('decodeValue (as ligo-gracedb poll(): JSON, else UTF-8 text, else bytes)', () => {
  it('parses JSON objects, arrays and scalars', () => {
    expect(decodeValue(Buffer.from('{"graceid":"G12345","far":1e-9}'))).toEqual({
      graceid: 'G12345',
      far: 1e-9,
    })
    expect(decodeValue(Buffer.from('[1,2]'))).toEqual([1, 2])
    expect(decodeValue(Buffer.from('42'))).toBe(42)
    expect(decodeValue(Buffer.from('"text"'))).toBe('text')
    expect(decodeValue(Buffer.from('null'))).toBeNull()
  })
  it('falls back to the UTF-8 string when the value is not JSON', () => {
    expect(decodeValue(Buffer.from('hello, world'))).toBe('hello, world')
    expect(decodeValue(Buffer.from('{"broken":'))).toBe('{"broken":')
    expect(decodeValue(Buffer.from(''))).toBe('')
    expect(decodeValue(Buffer.from('héllo ✓'))).toBe('héllo ✓')
  })
  it('falls back to the raw bytes when the value is not UTF-8', () => {
    const v = decodeValue(Buffer.from([0xff, 0xfe, 0x00, 0x41]))
    expect(v).toBeInstanceOf(Uint8Array)
    expect(Buffer.isBuffer(v)).toBe(false)
    expect([...(v as Uint8Array)]).toEqual([0xff, 0xfe, 0x00, 0x41])
  })
  it('keeps a UTF-8 BOM prefixed JSON text as a string, like json.loads', () => {
    expect(decodeValue(Buffer.from('\ufeff{"a":1}'))).toBe('\ufeff{"a":1}')
  })
  it('maps a null value (tombstone) to null', () => {
    expect(decodeValue(null)).toBeNull()
  })
})

describe('decodeKey and decodeHeaders', () => {
  it('decodes keys as text, bytes when not UTF-8, null when absent', () => {
    expect(decodeKey(Buffer.from('G12345'))).toBe('G12345')
    expect([...(decodeKey(Buffer.from([0xc3, 0x28])) as Uint8Array)]).toEqual([0xc3, 0x28])
    expect(decodeKey(null)).toBeNull()
    expect(decodeKey(undefined)).toBeNull()
  })
  it('decodes headers to strings, keeping the last value of a repeated name', () => {
    expect(decodeHeaders({ a: Buffer.from('1'), b: [Buffer.from('x'), Buffer.from('y')] })).toEqual({
      a: '1',
      b: 'y',
    })
  })
  it('keeps every header as bytes when any is not UTF-8 (the reference falls back for the whole dict)', () => {
    const h = decodeHeaders({ a: Buffer.from('ok'), b: Buffer.from([0xff]) })
    expect(h?.a).toBeInstanceOf(Uint8Array)
    expect([...((h as Record<string, Uint8Array>).b as Uint8Array)]).toEqual([0xff])
  })
  it('returns null when there are no headers', () => {
    expect(decodeHeaders({})).toBeNull()
    expect(decodeHeaders(undefined)).toBeNull()
  })
})

describe('decodeMessage', () => {
  it('builds the spec message dict with numeric offset and timestamp', () => {
    const msg = decodeMessage('gracedb-dev.test', 2, {
      key: Buffer.from('k'),
      value: Buffer.from('{"x":1}'),
      timestamp: '1700000000123',
      offset: '17',
      headers: {},
    })
    expect(msg).toEqual({
      topic: 'gracedb-dev.test',
      partition: 2,
      offset: 17,
      key: 'k',
      value: { x: 1 },
      timestamp: 1700000000123,
      headers: null,
    })
  })
  it('reports a missing timestamp (-1) as null', () => {
    expect(decodeMessage('t.t', 0, { value: null, timestamp: '-1', offset: '0' }).timestamp).toBeNull()
  })
})

describe('UTF-8 check (Buffers take a faster path than other byte views)', () => {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  const reference = (bytes: Uint8Array): string | undefined => {
    try {
      return strict.decode(bytes)
    } catch {
      return undefined
    }
  }
  it('a Buffer decodes exactly as a fatal TextDecoder: surrogates, overlong forms, truncation, BOM', () => {
    const cases = [
      [0xed, 0xa0, 0x80], // an encoded lone surrogate: not UTF-8 for Python either
      [0xc0, 0xaf], // overlong '/'
      [0xe2, 0x82], // truncated
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
      [0xef, 0xbb, 0xbf, 0x61], // BOM + 'a': kept
      [0xf0, 0x9f, 0x98, 0x80], // an emoji
    ]
    for (const c of cases) {
      const key = decodeKey(Buffer.from(c))
      expect(typeof key === 'string' ? key : undefined).toBe(reference(Uint8Array.from(c)))
      expect(decodeKey(Uint8Array.from(c))).toEqual(key)
    }
  })
  it('property: for any bytes, a Buffer and a plain Uint8Array decode alike', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.string({ unit: 'binary' }).map((s) => Buffer.from(s)),
    )
    fc.assert(
      fc.property(bytes, (b) => {
        const plain = Uint8Array.from(b)
        const fromBuffer = decodeValue(Buffer.from(plain))
        expect(fromBuffer).toEqual(decodeValue(plain))
        const key = decodeKey(Buffer.from(plain))
        expect(typeof key === 'string' ? key : undefined).toBe(reference(plain))
      }),
      { numRuns: 500 },
    )
  })
})
