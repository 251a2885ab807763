import { createRequire } from 'node:module'
import { fixFetchDecoding } from '@gracedb-kafka/core'
import { describe, expect, it } from 'vitest'

type Decode = (raw: Buffer) => Promise<unknown>
const require = createRequire(import.meta.url)
const fetchV11 = require('kafkajs/src/protocol/requests/fetch/v11/response.js') as {
  decode: Decode
  parse: unknown
  [key: symbol]: unknown
}
const Encoder = require('kafkajs/src/protocol/encoder')
const MessageSet = require('kafkajs/src/protocol/messageSet')
const ORIGINAL = Symbol.for('@gracedb-kafka/fetch-v11-decoder.original')

/** A one-partition Fetch v11 response whose record set is `set`. */
function response(set: Buffer): Buffer {
  return Buffer.concat([
    new Encoder().writeInt32(0).writeInt16(0).writeInt32(7).writeInt32(1).writeString('t').writeInt32(1)
      .buffer,
    new Encoder().writeInt32(0).writeInt16(0).writeInt64(5).writeInt64(5).writeInt64(0).writeInt32(-1).buffer,
    new Encoder().writeInt32(-1).writeInt32(set.length).buffer,
    set,
  ])
}

describe('fixFetchDecoding', () => {
  it("replaces kafkajs's Fetch v11 decode once per process, keeping parse and the original", () => {
    const parse = fetchV11.parse
    expect(fixFetchDecoding(import.meta.url)).toBe(true)
    const lean = fetchV11.decode
    expect(fetchV11[ORIGINAL]).toBeTypeOf('function')
    expect(lean).not.toBe(fetchV11[ORIGINAL])
    expect(fixFetchDecoding(import.meta.url)).toBe(true)
    expect(fetchV11.decode).toBe(lean)
    expect(fetchV11.parse).toBe(parse)
  })

  it('changes nothing where kafkajs cannot be resolved', () => {
    expect(fixFetchDecoding('/nonexistent/dir/x.js')).toBe(false)
  })

  it("hands what it does not decode (an old magic 1 message set, a truncated response) to kafkajs's decoder", async () => {
    fixFetchDecoding(import.meta.url)
    const original = fetchV11[ORIGINAL] as Decode
    const oldSet = MessageSet({
      messageVersion: 1,
      compression: 0,
      entries: [{ key: 'k', value: '{"n":1}', timestamp: 1_700_000_000_000 }],
    }).buffer as Buffer
    const raw = response(oldSet)
    const outcome = (p: Promise<unknown>) =>
      p.then(
        (v) => ({ v }),
        (e: Error) => ({ e: e.name }),
      )
    const expected = await original(raw)
    expect(JSON.stringify(expected)).toContain('"magicByte":1')
    expect(await fetchV11.decode(raw)).toStrictEqual(expected)
    const cut = raw.subarray(0, 30)
    expect(await outcome(fetchV11.decode(cut))).toStrictEqual(await outcome(original(cut)))
  })
})
