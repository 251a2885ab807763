import { InvalidOptionError } from '@gracedb-kafka/core'
import { describe, expect, it } from 'vitest'
import { checkPartition, encodeHeaders, encodeKey, encodeValue, recordSize } from './serialize.js'

describe('encodeValue', () => {
  it('sends an object as Python-formatted JSON in UTF-8', () => {
    expect(encodeValue({ graceid: 'G12345', group: 'CBC' }).toString('utf8')).toBe(
      '{"graceid": "G12345", "group": "CBC"}',
    )
  })
  it('sends a string as UTF-8', () => {
    expect([...encodeValue('é')]).toEqual([0xc3, 0xa9])
  })
  it('sends bytes as-is, copied so later changes to the caller buffer do not leak in', () => {
    const bytes = new Uint8Array([0, 255, 7])
    const out = encodeValue(bytes)
    bytes[0] = 9
    expect([...out]).toEqual([0, 255, 7])
  })
  it.each([[null], [42], [true], [undefined], [new ArrayBuffer(2)], [new Uint16Array(2)]])(
    'refuses %p with an InvalidOptionError naming "value"',
    (v) => {
      expect(() => encodeValue(v)).toThrow(InvalidOptionError)
      try {
        encodeValue(v)
      } catch (err) {
        expect((err as InvalidOptionError).option).toBe('value')
      }
    },
  )
})

describe('encodeKey / encodeHeaders / checkPartition', () => {
  it('encodes keys', () => {
    expect(encodeKey('G1')?.toString()).toBe('G1')
    expect(encodeKey(undefined)).toBeNull()
    expect([...(encodeKey(new Uint8Array([1, 2])) ?? [])]).toEqual([1, 2])
    expect(() => encodeKey(5)).toThrow(/option "key"/)
  })
  it('encodes headers and names a bad one', () => {
    const h = encodeHeaders({ a: 'x', b: new Uint8Array([1]) })
    expect(h?.a?.toString()).toBe('x')
    expect([...(h?.b ?? [])]).toEqual([1])
    expect(encodeHeaders(undefined)).toBeUndefined()
    expect(() => encodeHeaders({ a: 1 })).toThrow(/headers\.a/)
    expect(() => encodeHeaders([['a', 'b']])).toThrow(/option "headers"/)
  })
  it('validates partitions', () => {
    expect(checkPartition(3)).toBe(3)
    expect(checkPartition(undefined)).toBeUndefined()
    expect(() => checkPartition(-1)).toThrow(/partition/)
    expect(() => checkPartition(1.5)).toThrow(/partition/)
  })
  it('estimates record size from value, key and headers', () => {
    expect(recordSize(Buffer.alloc(1024), null, undefined)).toBe(1040)
    expect(recordSize(Buffer.alloc(10), Buffer.alloc(2), { h: Buffer.alloc(3) })).toBe(
      16 + 10 + 2 + 4 + 1 + 3,
    )
  })
})
