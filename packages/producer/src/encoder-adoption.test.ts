import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { adoptEncodedBodies, HEADROOM } from './encoder-adoption.js'

const require = createRequire(import.meta.url)
type Encoded = { buf: Buffer; offset: number; buffer: Buffer }
const Encoder = require('kafkajs/src/protocol/encoder') as { new (): Encoded; prototype: object }
const createRequest = require('kafkajs/src/protocol/request') as (args: {
  correlationId: number
  clientId: string
  request: { apiKey: number; apiVersion: number; encode: () => Promise<unknown> }
}) => Promise<Encoded>

/** A body of `n` bytes with `room` free bytes in front of it, as an Encoder kafkajs accepts. */
function payload(n: number, room: number, mark: boolean): Encoded {
  const whole = Buffer.alloc(room + n, 0xee)
  const body = whole.subarray(room)
  for (let i = 0; i < n; i++) body[i] = i & 0xff
  const fields = mark ? { buf: body, offset: n, [HEADROOM]: room } : { buf: body, offset: n }
  return Object.assign(Object.create(Encoder.prototype) as Encoded, fields)
}

const frame = (p: Encoded, clientId = 'gracedb-kafka', correlationId = 7) =>
  createRequest({ correlationId, clientId, request: { apiKey: 0, apiVersion: 7, encode: async () => p } })

describe('adoptEncodedBodies', () => {
  it('frames a marked body in the room in front of it, without copying it, to the bytes kafkajs writes', async () => {
    expect(adoptEncodedBodies(Encoder)).toBe(true)
    expect(adoptEncodedBodies(Encoder)).toBe(true) // once per process: a second call changes nothing
    for (const n of [0, 1, 600_000]) {
      const expected = (await frame(payload(n, 0, false))).buffer
      const marked = payload(n, 256, true)
      const framed = (await frame(marked)).buffer
      expect(framed.equals(expected)).toBe(true)
      expect(framed.buffer).toBe(marked.buf.buffer) // the body's own memory
      expect(framed.byteOffset).toBe(marked.buf.byteOffset - (framed.length - n))
    }
  })

  it("takes kafkajs's own path for a body lent once already, a room too small, or an unmarked body", async () => {
    const marked = payload(1000, 256, true)
    const first = Buffer.from((await frame(marked, 'c', 1)).buffer)
    const again = (await frame(marked, 'c', 2)).buffer // e.g. encoded again: copied, the first framing intact
    expect(again.buffer).not.toBe(marked.buf.buffer)
    expect(again.equals((await frame(payload(1000, 0, false), 'c', 2)).buffer)).toBe(true)
    const firstNow = Buffer.from(
      marked.buf.buffer,
      marked.buf.byteOffset - (first.length - 1000),
      first.length,
    )
    expect(firstNow.equals(first)).toBe(true)
    const long = 'x'.repeat(300) // the request header does not fit in 256 bytes
    const tight = payload(1000, 256, true)
    const framed = (await frame(tight, long)).buffer
    expect(framed.buffer).not.toBe(tight.buf.buffer)
    expect(framed.equals((await frame(payload(1000, 0, false), long)).buffer)).toBe(true)
  })

  it("refuses a class without kafkajs 2.2.x's Encoder shape, changing nothing", () => {
    class NotAnEncoder {
      writeEncoder(): void {}
    }
    const before = NotAnEncoder.prototype.writeEncoder
    expect(adoptEncodedBodies(NotAnEncoder)).toBe(false)
    expect(NotAnEncoder.prototype.writeEncoder).toBe(before)
  })
})
