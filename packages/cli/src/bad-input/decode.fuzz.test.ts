// Fuzzing (fast-check, 10,000 runs each): the consumer's message decoding never throws on whatever bytes a
// broker hands over (values, keys, headers, timestamps) and always gives a well-formed message.
import { decodeHeaders, decodeKey, decodeMessage, decodeValue } from '@gracedb-kafka/consumer'
import fc from 'fast-check'
import { describe, it } from 'vitest'

const RUNS = { numRuns: 10_000 }
const enc = new TextEncoder()
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.json({ maxDepth: 2 }).map((j) => enc.encode(j)),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => enc.encode(s)),
  fc.constantFrom(
    enc.encode('{"a": 1e999}'),
    enc.encode('NaN'),
    enc.encode('"\\ud800"'),
    new Uint8Array([0xff, 0xfe]),
  ),
)
const maybeBytes = fc.option(bytes, { nil: undefined })
const headerValue = fc.oneof(
  bytes.map((b) => Buffer.from(b)),
  fc.string(),
  fc.constant(undefined),
  fc.array(
    bytes.map((b) => Buffer.from(b)),
    { maxLength: 3 },
  ),
)
const headers = fc.option(fc.dictionary(fc.string({ maxLength: 8 }), headerValue, { maxKeys: 4 }), {
  nil: undefined,
})

describe('consumer message decoding (fuzz)', () => {
  it('decodeValue and decodeKey never throw', () => {
    fc.assert(
      fc.property(fc.option(bytes, { nil: null }), (raw) => {
        decodeValue(raw)
        const key = decodeKey(raw)
        return key === null || typeof key === 'string' || key instanceof Uint8Array
      }),
      RUNS,
    )
  })

  it('decodeHeaders never throws and gives null or an object', () => {
    fc.assert(
      fc.property(headers, (h) => {
        const out = decodeHeaders(h as never)
        return out === null || (typeof out === 'object' && !Array.isArray(out))
      }),
      RUNS,
    )
  })

  it('decodeMessage never throws on any raw message', () => {
    const raw = fc.record({
      value: fc.option(bytes, { nil: null }).map((b) => (b === null ? null : Buffer.from(b))),
      key: maybeBytes.map((b) => (b === undefined ? null : Buffer.from(b))),
      headers,
      timestamp: fc.oneof(fc.constant('1700000000000'), fc.string({ maxLength: 14 }), fc.constant('')),
      offset: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String), fc.string({ maxLength: 5 })),
    })
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.integer(), raw, (topic, partition, message) => {
        const out = decodeMessage(topic, partition, message as never)
        return out.topic === topic && out.partition === partition
      }),
      RUNS,
    )
  })
})
