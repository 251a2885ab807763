import { afterEach, describe, expect, it } from 'vitest'
import {
  clearSecrets,
  InvalidOptionError,
  isRegisteredSecret,
  KafkaTokenError,
  redactSecrets,
  redactTokens,
  redactValue,
  registerSecret,
} from './index.js'

afterEach(() => clearSecrets())

const b64u = (t: string) => Buffer.from(t).toString('base64url')

describe('secret registry', () => {
  it('removes a registered value wherever it appears, whatever it looks like', () => {
    registerSecret('hunter2-horse')
    expect(redactSecrets('pw=hunter2-horse; again hunter2-horse')).toBe('pw=[REDACTED]; again [REDACTED]')
    expect(isRegisteredSecret('hunter2-horse')).toBe(true)
  })

  it('also removes the percent-encoded and decoded forms', () => {
    registerSecret('Pa55/w0rd')
    expect(redactSecrets('kafka://u:Pa55%2Fw0rd@h')).toBe('kafka://u:[REDACTED]@h')
    registerSecret('a%40b%2Fcdef')
    expect(redactSecrets('x a@b/cdef y')).toBe('x [REDACTED] y')
  })

  it('replaces the longest value first, so a token containing a registered password goes whole', () => {
    registerSecret('abcd')
    registerSecret('xxabcdxx-token')
    expect(redactSecrets('t=xxabcdxx-token')).toBe('t=[REDACTED]')
  })

  it('honours a higher minLength, so text that may not be a secret is not hidden everywhere', () => {
    registerSecret('test', { minLength: 12 })
    registerSecret('a-long-enough-token', { minLength: 12 })
    expect(redactSecrets('gracedb-dev.test a-long-enough-token')).toBe('gracedb-dev.test [REDACTED]')
  })

  it('ignores values too short to register and non-strings', () => {
    registerSecret('ab')
    registerSecret(42)
    registerSecret(undefined)
    expect(redactSecrets('ab 42')).toBe('ab 42')
  })

  it('is shared through Symbol.for, as a second copy of core or @gracedb-kafka/topics reaches it', () => {
    const shared = (globalThis as Record<symbol, unknown>)[
      Symbol.for('@gracedb-kafka/secrets')
    ] as Set<string>
    shared.add('added-by-another-copy')
    expect(redactTokens('x added-by-another-copy y')).toBe('x [REDACTED] y')
  })

  it('stays bounded', () => {
    for (let i = 0; i < 1000; i++) registerSecret(`secret-number-${i}`)
    const shared = (globalThis as Record<symbol, unknown>)[
      Symbol.for('@gracedb-kafka/secrets')
    ] as Set<string>
    expect(shared.size).toBeLessThanOrEqual(256)
    expect(redactSecrets('secret-number-999')).toBe('[REDACTED]')
  })
})

describe('redactTokens', () => {
  it('redacts registered secrets in every error message', () => {
    registerSecret('opaque-bearer-value')
    expect(new KafkaTokenError('got opaque-bearer-value').message).toBe('got [REDACTED]')
    expect(new InvalidOptionError('x', 'got opaque-bearer-value').message).toBe('got [REDACTED]')
  })

  it.each([
    ['{"alg":"ES256"} (eyJ…)', '{"alg":"ES256"}'],
    ['{ "alg": "ES256" } (eyA…)', '{ "alg": "ES256" }'],
    ['{\\n"alg"…} (ewo…)', '{\n"alg":"ES256"}'],
    ['{\\r\\n"alg"…} (ew0…)', '{\r\n"alg":"ES256"}'],
  ])('catches an unregistered JWT whose header is %s', (_name, header) => {
    const token = `${b64u(header)}.${b64u('{"sub":"x","exp":1}')}.c2lnbmF0dXJl`
    expect(redactTokens(`Bearer ${token} end`)).toBe('Bearer [REDACTED-TOKEN] end')
  })

  it('leaves ordinary dotted words alone', () => {
    expect(redactTokens('eyes.on.the-prize and gracedb-dev.gstlal')).toBe(
      'eyes.on.the-prize and gracedb-dev.gstlal',
    )
  })

  it('redactValue turns any value into redacted text', () => {
    registerSecret('value-secret')
    expect(redactValue({ a: 'value-secret' })).toBe('{"a":"[REDACTED]"}')
    expect(redactValue(Object.create(null))).toBe('{}')
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(redactValue(circular)).toBe('[object Object]')
  })
})
