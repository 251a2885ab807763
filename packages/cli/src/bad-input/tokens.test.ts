// Bad tokens, through the decoder and through discovery (SCITOKEN, BEARER_TOKEN, BEARER_TOKEN_FILE): each gives
// KafkaTokenError with the expected code and source, and the token appears nowhere in what the error exposes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeToken, getScitokenForKafka, KafkaTokenError } from '@gracedb-kafka/auth'
import { redactTokens } from '@gracedb-kafka/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { caught, claims, expectNoLeak, rawJwt } from '../testing/leaks.js'

const now = () => Math.floor(Date.now() / 1000)
const SPACED_HEADER = '{ "alg": "ES256", "typ": "JWT" }' // base64url starts "eyA", not "eyJ"
const NEWLINE_HEADER = '{\n"alg":"ES256"}' // starts "ewo"

interface TokenCase {
  name: string
  token: string
  code: string
}

const M = 'ERR_KAFKA_TOKEN_MALFORMED'
const structural: TokenCase[] = [
  { name: 'a password, not a token', token: 'hunter2-correct-horse', code: M },
  { name: 'two segments', token: 'aGVhZGVyMTIz.cGF5bG9hZDEyMw', code: M },
  { name: 'four segments', token: `${rawJwt(claims())}.ZXh0cmE`, code: M },
  { name: 'empty header segment', token: `.${Buffer.from(claims()).toString('base64url')}.c2ln`, code: M },
  { name: 'header with "+" (base64, not base64url)', token: 'ab+cdefgh.ijklmnop.qrst', code: M },
  { name: 'header with "="', token: 'abcdefgh=.ijklmnop.qrst', code: M },
  { name: 'a space inside', token: 'abcd efgh.ijklmnop.qrst', code: M },
  { name: 'a NUL byte inside', token: 'abcd\u0000efgh.ijklmnop.qrst', code: M },
  { name: 'non-ASCII letters', token: 'äbcdéfgh.ijklmnop.qrst', code: M },
  { name: 'header not JSON', token: rawJwt(claims(), 'not json at all'), code: M },
  { name: 'header a JSON array', token: rawJwt(claims(), '["ES256"]'), code: M },
  { name: 'header a JSON string', token: rawJwt(claims(), '"ES256-header"'), code: M },
  { name: 'payload not JSON', token: rawJwt('definitely not json'), code: M },
  { name: 'payload a JSON array', token: rawJwt('[1,2,3,4]'), code: M },
  { name: 'payload a JSON number', token: rawJwt('123456789'), code: M },
  { name: 'payload null', token: rawJwt('null'), code: M },
  {
    name: 'payload empty',
    token: `${Buffer.from('{"alg":"ES256"}').toString('base64url')}..c2lnbmF0dXJl`,
    code: M,
  },
  { name: 'payload truncated JSON', token: rawJwt('{"exp": 12'), code: M },
  { name: 'exp a string', token: rawJwt(claims({ exp: 'tomorrow' })), code: M },
  { name: 'exp null', token: rawJwt(claims({ exp: null })), code: M },
  { name: 'exp an object', token: rawJwt(claims({ exp: { t: 1 } })), code: M },
  { name: 'nbf a string', token: rawJwt(claims({ nbf: 'now' })), code: M },
  { name: 'iat a boolean', token: rawJwt(claims({ iat: true })), code: M },
  { name: 'iss a number', token: rawJwt(claims({ iss: 42 })), code: M },
  { name: 'sub an object', token: rawJwt(claims({ sub: { name: 'x' } })), code: M },
  { name: 'aud a number', token: rawJwt(claims({ aud: 7 })), code: M },
  { name: 'aud a list with a number', token: rawJwt(claims({ aud: ['a', 1] })), code: M },
  { name: 'scope a list', token: rawJwt(claims({ scope: ['kafka.produce'] })), code: M },
  { name: 'scp a number', token: rawJwt(claims({ scp: 3 })), code: M },
  { name: 'ver an object', token: rawJwt(claims({ ver: {} })), code: M },
  { name: 'no exp', token: rawJwt(claims({ exp: undefined })), code: 'ERR_KAFKA_TOKEN_NO_EXP' },
  {
    name: 'no exp, spaced header (eyA…)',
    token: rawJwt(claims({ exp: undefined }), SPACED_HEADER),
    code: 'ERR_KAFKA_TOKEN_NO_EXP',
  },
  {
    name: 'exp a string, newline header (ewo…)',
    token: rawJwt(claims({ exp: 'x' }), NEWLINE_HEADER),
    code: M,
  },
]

/** Tokens that decode but that discovery refuses (claims checked against the request). */
const refused: TokenCase[] = [
  { name: 'expired', token: rawJwt(claims({}, -3600)), code: 'ERR_KAFKA_TOKEN_EXPIRED' },
  {
    name: 'expired, spaced header (eyA…)',
    token: rawJwt(claims({}, -60), SPACED_HEADER),
    code: 'ERR_KAFKA_TOKEN_EXPIRED',
  },
  { name: 'expires in 5 s', token: rawJwt(claims({}, 5)), code: 'ERR_KAFKA_TOKEN_EXPIRES_SOON' },
  {
    name: 'not yet valid',
    token: rawJwt(claims({ nbf: now() + 3600 })),
    code: 'ERR_KAFKA_TOKEN_NOT_YET_VALID',
  },
  {
    name: 'wrong audience',
    token: rawJwt(claims({ aud: 'other.example.org' })),
    code: 'ERR_KAFKA_TOKEN_AUDIENCE',
  },
  {
    name: 'wrong audience, spaced header (eyA…)',
    token: rawJwt(claims({ aud: 'other.example.org' }), SPACED_HEADER),
    code: 'ERR_KAFKA_TOKEN_AUDIENCE',
  },
  {
    name: 'wrong audience, newline header (ewo…)',
    token: rawJwt(claims({ aud: 'nope.example.org' }), NEWLINE_HEADER),
    code: 'ERR_KAFKA_TOKEN_AUDIENCE',
  },
  { name: 'empty audience list', token: rawJwt(claims({ aud: [] })), code: 'ERR_KAFKA_TOKEN_AUDIENCE' },
  { name: 'missing scope', token: rawJwt(claims({ scope: 'gracedb.read' })), code: 'ERR_KAFKA_TOKEN_SCOPE' },
  { name: 'empty scope', token: rawJwt(claims({ scope: '' })), code: 'ERR_KAFKA_TOKEN_SCOPE' },
  {
    name: 'missing scope, spaced header (eyA…)',
    token: rawJwt(claims({ scope: 'read:/x' }), SPACED_HEADER),
    code: 'ERR_KAFKA_TOKEN_SCOPE',
  },
]

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gk-bad-tokens-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const BROKER = 'kafka.example.org:9092'
const request = (env: NodeJS.ProcessEnv) => ({
  scope: 'kafka.produce',
  env: { XDG_RUNTIME_DIR: dir, ...env },
  fallback: false,
})

describe('bad tokens: the decoder', () => {
  it.each(structural)('decodeToken: $name → $code', ({ token, code }) => {
    let err: unknown
    try {
      decodeToken(token, 'TEST_SOURCE')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(KafkaTokenError)
    expect((err as KafkaTokenError).code).toBe(code)
    expect((err as KafkaTokenError).source).toBe('TEST_SOURCE')
    expectNoLeak(err, [token])
  })
})

describe.each(['SCITOKEN', 'BEARER_TOKEN'])('bad tokens through discovery: $%s', (variable) => {
  it.each([...structural, ...refused])('$name → $code', async ({ token, code }) => {
    const err = await caught(() => getScitokenForKafka(BROKER, request({ [variable]: token })))
    expect(err).toBeInstanceOf(KafkaTokenError)
    expect((err as KafkaTokenError).code).toBe(code)
    expect((err as KafkaTokenError).source).toBe(variable)
    expectNoLeak(err, [token])
  })
})

describe('bad tokens through discovery: a BEARER_TOKEN_FILE', () => {
  it.each([...structural, ...refused])('$name → $code', async ({ name, token, code }) => {
    const file = join(dir, `tok-${name.replace(/[^a-z0-9]+/gi, '-')}`)
    await writeFile(file, `${token}\n`)
    const err = await caught(() => getScitokenForKafka(BROKER, request({ BEARER_TOKEN_FILE: file })))
    expect(err).toBeInstanceOf(KafkaTokenError)
    expect((err as KafkaTokenError).code).toBe(code)
    expect((err as KafkaTokenError).source).toBe(file)
    expectNoLeak(err, [token])
  })
})

describe('a token read once is redacted by value everywhere afterwards', () => {
  it.each([
    ['spaced header (eyA…)', SPACED_HEADER],
    ['newline header (ewo…)', NEWLINE_HEADER],
    ['standard header (eyJ…)', '{"alg":"ES256","typ":"JWT"}'],
  ])('%s', async (_name, header) => {
    const token = rawJwt(claims({ jti: crypto.randomUUID() }), header)
    expect(await getScitokenForKafka(BROKER, request({ BEARER_TOKEN: token }))).toBe(token)
    // An echo of the token in any text (a server error page, a log line) is removed by value.
    const echoed = redactTokens(`401 Unauthorized: header was "Authorization: Bearer ${token}"`)
    expect(echoed).not.toContain(token)
    expect(echoed).toContain('Bearer [REDACTED]')
  })
})

describe('a token file holding a common word does not poison later output', () => {
  it.each(['test', 'null', 'gracedb', 'password1'])('%s', async (word) => {
    const err = await caught(() => getScitokenForKafka(BROKER, request({ BEARER_TOKEN: word })))
    expect((err as KafkaTokenError).code).toBe('ERR_KAFKA_TOKEN_MALFORMED')
    expect(redactTokens(`topic gracedb-dev.${word}`)).toBe(`topic gracedb-dev.${word}`)
  })
})
