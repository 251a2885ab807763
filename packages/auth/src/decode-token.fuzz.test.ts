// Fuzzing (fast-check, 10,000 runs each): the token decoder returns claims or throws KafkaTokenError with a
// documented code, never anything else, and never echoes the token in its message, source or JSON form.
import { KafkaTokenError } from '@gracedb-kafka/core'
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { TOKEN_ERROR_CODES } from './codes.js'
import { decodeToken, tryDecodeToken } from './decode-token.js'

const RUNS = { numRuns: 10_000 }
const CODES = new Set<string>(Object.values(TOKEN_ERROR_CODES))
const b64u = (text: string) => Buffer.from(text).toString('base64url')

/** Three base64url segments built from JSON-ish (or not) header and payload text. */
const jsonText = fc.oneof(
  fc.json({ maxDepth: 2 }),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc
    .record({ exp: fc.anything(), aud: fc.anything(), scope: fc.anything() }, { requiredKeys: [] })
    .map((v) => {
      try {
        return JSON.stringify(v) ?? '{}'
      } catch {
        return '{}'
      }
    }),
  fc.string({ maxLength: 40 }),
)
const header = fc.oneof(
  fc.constantFrom('{"alg":"ES256"}', '{ "alg": "ES256" }', ' {"alg":"RS256"}', '{\n"alg":"none"}'),
  jsonText,
)
const tokenLike = fc.oneof(
  fc
    .tuple(header, jsonText, fc.base64String({ maxLength: 40 }))
    .map(([h, p, s]) => `${b64u(h)}.${b64u(p)}.${s.replace(/[+/=]/g, '')}`),
  fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.+/= \n\u0000é'.split('')), maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
)
const anyValue = fc.oneof({ weight: 5, arbitrary: tokenLike }, { weight: 1, arbitrary: fc.anything() })

/** True when `err` is a KafkaTokenError with a documented code that shows nothing of `token`. */
function cleanTokenError(err: unknown, token: string): boolean {
  if (!(err instanceof KafkaTokenError) || !CODES.has(err.code)) return false
  if (token.trim().length < 8) return true // too short to be a secret worth searching for
  // The stack's header, not its frames: fast-check also generates identifiers ("constructor", "arguments")
  // that can appear in a code location without any data being echoed.
  const stackHead = String(err.stack).split('\n    at ')[0] ?? ''
  const texts = [err.message, String(err.source), stackHead, JSON.stringify(err)]
  return texts.every((t) => !t.includes(token.trim()))
}

describe('token decoder (fuzz)', () => {
  it('tryDecodeToken never throws and reports only documented codes', () => {
    fc.assert(
      fc.property(tokenLike, (token) => {
        const r = tryDecodeToken(token)
        return r.ok
          ? typeof r.claims.exp === 'number'
          : CODES.has(r.code) && (token.length < 8 || !r.reason.includes(token))
      }),
      RUNS,
    )
  })

  it('decodeToken takes anything and throws only KafkaTokenError, never showing the token', () => {
    fc.assert(
      fc.property(anyValue, fc.constantFrom('BEARER_TOKEN', '/tmp/bt_u1000'), (token, source) => {
        try {
          const claims = decodeToken(token as string, source)
          return typeof claims.exp === 'number'
        } catch (err) {
          return cleanTokenError(err, typeof token === 'string' ? token : '')
        }
      }),
      RUNS,
    )
  })

  it('a token pasted as the source is not shown either', () => {
    fc.assert(
      fc.property(tokenLike, (token) => {
        const pasted = `${b64u('{"alg":"ES256"}')}.${b64u('{"sub":"someone-x"}')}.c2lnbmF0dXJlLWJ5dGVz`
        try {
          decodeToken(token, pasted)
          return true
        } catch (err) {
          return (
            err instanceof KafkaTokenError &&
            !err.message.includes(pasted) &&
            !String(err.source).includes(pasted)
          )
        }
      }),
      RUNS,
    )
  })
})
