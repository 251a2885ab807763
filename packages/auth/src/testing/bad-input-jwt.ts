// Bad-input cases: a token that is not a well-formed JWT, or whose time claims refuse it.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type BadCase, C, now } from './bad-case.js'
import { mint, rawToken } from './tokens.js'

export const JWT_CASES: BadCase[] = [
  {
    name: 'not a JWT: a plain word in BEARER_TOKEN',
    setup: async () => ({ env: { BEARER_TOKEN: 'not-a-token' } }),
    code: C.MALFORMED,
    source: () => 'BEARER_TOKEN',
    message: [/\$BEARER_TOKEN is not a JWT: expected 3 dot-separated segments .* found 1/],
  },
  {
    name: 'not a JWT: two segments',
    setup: async () => ({ env: { BEARER_TOKEN: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0' } }),
    code: C.MALFORMED,
    source: () => 'BEARER_TOKEN',
    message: [/found 2/],
  },
  {
    name: 'not a JWT: five segments (a JWE)',
    setup: async () => ({ env: { BEARER_TOKEN: 'eyJhbGciOiJSU0EifQ.a.b.c.d' } }),
    code: C.MALFORMED,
    source: () => 'BEARER_TOKEN',
    message: [/found 5/],
  },
  {
    name: 'bad base64: characters outside base64url in the payload',
    setup: async (c) => {
      const good = await mint()
      const [h, p, s] = good.split('.')
      await writeFile(join(c.dir, 'tok'), `${h}.${p}*+/=.${s}`)
      return { env: { BEARER_TOKEN_FILE: join(c.dir, 'tok') } }
    },
    code: C.MALFORMED,
    source: (c) => join(c.dir, 'tok'),
    message: [/the payload is not base64url/],
  },
  {
    name: 'bad base64: impossible base64url length in the payload',
    setup: async () => ({ env: { BEARER_TOKEN: `${rawToken('{}').split('.')[0]}.abcde.c2ln` } }),
    code: C.MALFORMED,
    source: () => 'BEARER_TOKEN',
    message: [/the payload is not valid base64url/],
  },
  {
    name: 'bad base64: header is not base64url JSON',
    setup: async () => ({ env: { BEARER_TOKEN: rawToken(`{"exp":${now() + 3600}}`, 'not json header') } }),
    code: C.MALFORMED,
    source: () => 'BEARER_TOKEN',
    message: [/the header is not base64url-encoded JSON/],
  },
  {
    name: 'payload is not JSON',
    setup: async () => ({ env: { BEARER_TOKEN: rawToken('this is not json') } }),
    code: C.MALFORMED,
    source: () => 'BEARER_TOKEN',
    message: [/the payload is not JSON/],
  },
  {
    name: 'payload is JSON but not an object',
    setup: async () => ({ env: { BEARER_TOKEN: rawToken('[1,2,3]') } }),
    code: C.MALFORMED,
    source: () => 'BEARER_TOKEN',
    message: [/the payload is not a JSON object/],
  },
  {
    name: 'empty payload segment',
    setup: async () => ({ env: { BEARER_TOKEN: `${rawToken('{}').split('.')[0]}..c2ln` } }),
    code: C.MALFORMED,
    source: () => 'BEARER_TOKEN',
    message: [/the payload is empty/],
  },
  {
    name: 'exp claim is a string',
    setup: async () => ({ env: { BEARER_TOKEN: await mint({ exp: 'tomorrow' }) } }),
    code: C.MALFORMED,
    source: () => 'BEARER_TOKEN',
    message: [/invalid "exp" claim: must be a number/],
  },
  {
    name: 'aud claim is a number',
    setup: async () => ({ env: { BEARER_TOKEN: await mint({ aud: 42 }) } }),
    code: C.MALFORMED,
    source: () => 'BEARER_TOKEN',
    message: [/invalid "aud" claim/],
  },
  {
    name: 'no exp claim',
    setup: async (c) => {
      await writeFile(c.bt, await mint({ exp: undefined }))
      return {}
    },
    code: C.NO_EXP,
    source: (c) => c.bt,
    message: [/has no "exp" claim/],
  },
  {
    name: 'expired token (the fallback refuses it too)',
    setup: async (c) => {
      await writeFile(c.bt, await mint({ iat: now() - 7200, nbf: now() - 7200, exp: now() - 60 }))
      return {}
    },
    code: C.EXPIRED,
    source: (c) => c.bt,
    message: [/expired at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/],
  },
  {
    name: 'nbf in the future',
    setup: async () => ({ env: { BEARER_TOKEN: await mint({ nbf: now() + 3600 }, 7200) } }),
    code: C.NOT_YET_VALID,
    source: () => 'BEARER_TOKEN',
    message: [/is not valid yet: "nbf"/],
  },
  {
    name: 'iat in the future',
    setup: async () => ({ env: { BEARER_TOKEN: await mint({ iat: now() + 3600, nbf: undefined }, 7200) } }),
    code: C.NOT_YET_VALID,
    source: () => 'BEARER_TOKEN',
    message: [/is not valid yet: "iat"/],
  },
]
