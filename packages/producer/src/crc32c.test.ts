import { createRequire } from 'node:module'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { crc32c, crc32cJs, crc32cPortable, nativeCrc32c } from './crc32c.js'

const require = createRequire(import.meta.url)
/** kafkajs's own CRC32C (one table, one byte per step): the reference. */
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C') as (buf: Buffer) => number

describe('crc32c', () => {
  it('uses the native binding on this platform (linux-x64 has a prebuilt one)', () => {
    expect(typeof nativeCrc32c).toBe('function')
    expect(crc32c).not.toBe(crc32cJs)
  })

  it('matches the known CRC32C check values', () => {
    expect(crc32cJs(Buffer.from('123456789'))).toBe(0xe3069283)
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
    expect(crc32cPortable(Buffer.from('123456789'))).toBe(0xe3069283)
    expect(crc32c(Buffer.alloc(0))).toBe(0)
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa) // RFC 3720 B.4: 32 bytes of zeros
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43) // RFC 3720 B.4: 32 bytes of ones
  })

  it('checksums a range of a buffer', () => {
    const buf = Buffer.from('xx123456789yyy')
    expect(crc32c(buf, 2, 11)).toBe(0xe3069283)
    expect(crc32c(buf.subarray(2), 0, 9)).toBe(0xe3069283)
  })

  it("equals kafkajs's CRC32C on random buffers and ranges", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const buf = Buffer.from(bytes)
        expect(crc32c(buf)).toBe(kafkajsCrc32c(buf))
        expect(crc32cJs(buf)).toBe(kafkajsCrc32c(buf))
        const start = buf.length === 0 ? 0 : a % buf.length
        const end = start + (buf.length === 0 ? 0 : b % (buf.length - start + 1))
        expect(crc32c(buf, start, end)).toBe(kafkajsCrc32c(buf.subarray(start, end)))
        expect(crc32cJs(buf, start, end)).toBe(kafkajsCrc32c(buf.subarray(start, end)))
      }),
      { numRuns: 500 },
    )
  })
})
