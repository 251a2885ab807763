import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pythonJsonBytes, pythonJsonDumps } from './python-json.js'

// Expected strings produced by Python 3.11 `json.dumps(value)` (ligo-gracedb's serialisation).
const PYTHON_FIXTURES: Array<[unknown, string]> = [
  [{ graceid: 'G1', far: 1.5e-7, name: 'Zoë' }, '{"graceid": "G1", "far": 1.5e-07, "name": "Zo\\u00eb"}'],
  [
    { a: [1, 2.5, null, true, false], b: {}, c: [], d: 'tab\there "q" \\ /', e: '\u{1F600}\u007f\u0001' },
    '{"a": [1, 2.5, null, true, false], "b": {}, "c": [], "d": "tab\\there \\"q\\" \\\\ /", "e": "\\ud83d\\ude00\\u007f\\u0001"}',
  ],
  [
    { small: 0.0001, smaller: 0.00001, neg: -2.5e-10, x: 123456.789, y: 1.7976931348623157e308, z: 5e-324 },
    '{"small": 0.0001, "smaller": 1e-05, "neg": -2.5e-10, "x": 123456.789, "y": 1.7976931348623157e+308, "z": 5e-324}',
  ],
  [{ ts: 1763731234.567 }, '{"ts": 1763731234.567}'],
]

describe('pythonJsonDumps', () => {
  it.each(PYTHON_FIXTURES)('writes %j byte-for-byte as Python json.dumps does', (value, expected) => {
    expect(pythonJsonDumps(value)).toBe(expected)
  })

  it('produces pure ASCII', () => {
    expect(/^[\x20-\x7e]*$/.test(pythonJsonDumps({ clé: 'naïve ☃ \u{1F600}' }))).toBe(true)
  })

  it('follows JSON.stringify for what is written, skipped or rejected', () => {
    const d = new Date(0)
    expect(pythonJsonDumps({ d, u: undefined, f: () => 1, n: Number.NaN, arr: [undefined] })).toBe(
      '{"d": "1970-01-01T00:00:00.000Z", "n": null, "arr": [null]}',
    )
    expect(() => pythonJsonDumps({ b: 1n })).toThrow(TypeError)
    const cyc: Record<string, unknown> = {}
    cyc.self = cyc
    expect(() => pythonJsonDumps(cyc)).toThrow(TypeError)
  })

  it('writes the same text as the previous (array-joining) writer for any value', () => {
    const value = fc.oneof(
      fc.jsonValue(),
      fc.anything({ withDate: true, withBoxedValues: true, withNullPrototype: true, withSparseArray: true }),
      fc.dictionary(
        fc.string({ unit: 'binary' }),
        fc.oneof(fc.string({ unit: 'binary' }), fc.double(), fc.constant(undefined)),
      ),
    )
    fc.assert(
      fc.property(value, (v) => {
        let expected: string | Error
        try {
          expected = previousDumps(v)
        } catch (err) {
          expected = err as Error
        }
        if (expected instanceof Error)
          expect(() => pythonJsonDumps(v)).toThrow(expected.constructor as typeof Error)
        else expect(pythonJsonDumps(v)).toBe(expected)
      }),
      { numRuns: 2000 },
    )
  })

  it('writes long strings (copied natively when plain) as the previous writer, escapes included', () => {
    const long = fc.oneof(
      fc.string({ unit: 'binary', minLength: 30, maxLength: 300 }),
      fc.string({ minLength: 30, maxLength: 2000 }),
      fc.stringMatching(/^[ -~]{30,200}$/),
    )
    fc.assert(
      fc.property(fc.dictionary(long, fc.oneof(long, fc.array(long))), (v) => {
        expect(pythonJsonDumps(v)).toBe(previousDumps(v))
      }),
      { numRuns: 500 },
    )
  })

  it('escapes a single edge character anywhere in a long printable string, at any alignment', () => {
    // The word-at-a-time check of a copied string must catch one bad byte in any of the four lanes of a word,
    // in the unaligned head and tail as well as the middle, and must not flag its printable neighbours.
    const edges = ['\x00', '\x1f', ' ', '~', '\x7f', '"', '\\', '\x80', '\xff', 'Ā', '\u2028', '\ud800']
    fc.assert(
      fc.property(
        fc.stringMatching(/^[ -~]{32,300}$/),
        fc.nat(),
        fc.constantFrom(...edges),
        fc.nat({ max: 7 }),
        (plain, at, edge, shift) => {
          const i = at % plain.length
          const s = plain.slice(0, i) + edge + plain.slice(i + 1)
          const value = { ['k'.repeat(shift)]: s, [s]: [s, 'x'.repeat(shift)] }
          expect(pythonJsonDumps(value)).toBe(previousDumps(value))
          expect(pythonJsonDumps(plain)).toBe(`"${plain.replace(/[\\"]/g, (c) => `\\${c}`)}"`)
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('gives the same bytes as the text, for large values too (the buffer grows, then shrinks back)', () => {
    const big = { pad: 'x'.repeat(3_000_000), list: Array.from({ length: 20_000 }, (_, i) => `é${i}`) }
    const text = previousDumps(big)
    expect(pythonJsonBytes(big, (b) => Buffer.from(b).toString('latin1'))).toBe(text)
    const small = { graceid: 'G1' }
    expect(pythonJsonBytes(small, (b) => Buffer.from(b))).toEqual(Buffer.from('{"graceid": "G1"}'))
    // After the shrink, long strings are still checked in the buffer written to (not the large one given back):
    // a control character in a long string is escaped, a plain one copied as is.
    const tab = `${'p'.repeat(40)}\t${'q'.repeat(40)}`
    for (const value of [{ s: tab }, { s: 'r'.repeat(100) }, [tab, big.pad.slice(0, 64)]]) {
      expect(pythonJsonDumps(value)).toBe(previousDumps(value))
    }
  })

  it('serialises again from inside toJSON (a re-entrant call gets a writer of its own)', () => {
    const inner = { toJSON: () => pythonJsonDumps({ nested: ['a', 1] }) }
    const value = { before: 'x'.repeat(40), inner, after: [inner, 2] }
    expect(pythonJsonDumps(value)).toBe(previousDumps(value))
    expect(pythonJsonBytes(value, (b) => Buffer.from(b).toString('latin1'))).toBe(previousDumps(value))
  })

  it('a failure part-way leaves the writer usable', () => {
    const cyc: Record<string, unknown> = { a: 'y'.repeat(50) }
    cyc.self = cyc
    expect(() => pythonJsonDumps(cyc)).toThrow(TypeError)
    expect(() => pythonJsonDumps({ a: [1, { b: 2n }] })).toThrow(TypeError)
    expect(pythonJsonDumps({ ok: [1, 'z'] })).toBe('{"ok": [1, "z"]}')
  })

  it('decodes to the same value as JSON.stringify for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(JSON.parse(pythonJsonDumps(v))).toStrictEqual(JSON.parse(JSON.stringify(v)))
      }),
      { numRuns: 300 },
    )
  })
})

// The writer as it was before it built its text by concatenation (commit da4fbc9), kept as an oracle.
function previousDumps(value: unknown): string {
  const out = refSerialize('', value, [])
  if (out === undefined) throw new TypeError('value is not JSON-serialisable')
  return out
}

// Characters Python's `json.dumps` escapes with `ensure_ascii=True`: everything outside `' '..'~'`.
const REF_NON_ASCII = /[\u007f-\uffff]/
const REF_NON_ASCII_ALL = /[\u007f-\uffff]/g

function ref_escapeChar(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
}

// A JSON string literal as Python writes it: `JSON.stringify`'s escapes, plus every non-ASCII code unit as `\uXXXX`.
const REF_PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

function ref_quote(s: string): string {
  if (REF_PLAIN.test(s)) return `"${s}"` // nothing to escape: the common case, without a second pass
  const j = JSON.stringify(s)
  return REF_NON_ASCII.test(j) ? j.replace(REF_NON_ASCII_ALL, ref_escapeChar) : j
}

function ref_formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n === 0 ? '0' : String(n)
  const exp = n.toExponential() // shortest digits, e.g. "1.5e-7"
  const at = exp.indexOf('e')
  const e = Number(exp.slice(at + 1))
  if (e >= -4 && e < 16) return String(n)
  const sign = e < 0 ? '-' : '+'
  return `${exp.slice(0, at)}e${sign}${String(Math.abs(e)).padStart(2, '0')}`
}

function refSerialize(key: string, input: unknown, stack: unknown[]): string | undefined {
  let value = input
  if (
    value !== null &&
    (typeof value === 'object' || typeof value === 'bigint') &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON(key: string): unknown }).toJSON(key)
  }
  if (value instanceof Number) value = Number(value)
  else if (value instanceof String) value = String(value)
  else if (value instanceof Boolean) value = value.valueOf()
  if (value === null) return 'null'
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'string':
      return ref_quote(value)
    case 'number':
      return Number.isFinite(value) ? ref_formatNumber(value) : 'null'
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt')
    case 'object':
      break
    default:
      return undefined // undefined, functions and symbols are skipped, as JSON.stringify does
  }
  if (stack.includes(value)) throw new TypeError('Converting circular structure to JSON')
  stack.push(value)
  let out: string
  if (Array.isArray(value)) {
    const parts: string[] = []
    for (let i = 0; i < value.length; i++) parts.push(refSerialize(String(i), value[i], stack) ?? 'null')
    out = `[${parts.join(', ')}]`
  } else {
    const obj = value as Record<string, unknown>
    const parts: string[] = []
    for (const k of Object.keys(obj)) {
      const v = refSerialize(k, obj[k], stack)
      if (v !== undefined) parts.push(`${ref_quote(k)}: ${v}`)
    }
    out = `{${parts.join(', ')}}`
  }
  stack.pop()
  return out
}
