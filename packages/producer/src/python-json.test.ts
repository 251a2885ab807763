import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pythonJsonDumps } from './python-json.js'

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

  it('decodes to the same value as JSON.stringify for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(JSON.parse(pythonJsonDumps(v))).toStrictEqual(JSON.parse(JSON.stringify(v)))
      }),
      { numRuns: 300 },
    )
  })
})
