// Bad-input cases: audience and scope checks (strict), and which source wins or is reported when several are set.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type BadCase, C, now, strict } from './bad-case.js'
import { mint } from './tokens.js'

export const POLICY_CASES: BadCase[] = [
  {
    name: 'less than minLifetime left (strict)',
    setup: async () => ({ env: { BEARER_TOKEN: await mint({}, 30) }, req: { ...strict, minLifetime: 60 } }),
    code: C.EXPIRES_SOON,
    source: () => 'BEARER_TOKEN',
    message: [/only \d+ s from now \(at least 60 s required\)/],
  },
  {
    name: 'wrong audience, aud a string (strict)',
    setup: async () => ({ env: { BEARER_TOKEN: await mint({ aud: 'kafka.other.org' }) }, req: strict }),
    code: C.AUDIENCE,
    source: () => 'BEARER_TOKEN',
    message: [/has audience \["kafka\.other\.org"\], which includes neither "kafka\.example\.org" nor "ANY"/],
  },
  {
    name: 'wrong audience, aud a list (strict)',
    setup: async () => ({
      env: { BEARER_TOKEN: await mint({ aud: ['a.example', 'b.example'] }) },
      req: strict,
    }),
    code: C.AUDIENCE,
    source: () => 'BEARER_TOKEN',
    message: [/\["a\.example", "b\.example"\]/],
  },
  {
    name: 'audience compared exactly: https://host is not host (strict)',
    setup: async () => ({
      env: { BEARER_TOKEN: await mint({ aud: 'https://kafka.example.org' }) },
      req: strict,
    }),
    code: C.AUDIENCE,
    source: () => 'BEARER_TOKEN',
    message: [/https:\/\/kafka\.example\.org/],
  },
  {
    name: 'scitoken:2.0 token without aud (strict)',
    setup: async () => ({ env: { BEARER_TOKEN: await mint({ aud: undefined }) }, req: strict }),
    code: C.AUDIENCE,
    source: () => 'BEARER_TOKEN',
    message: [/has no "aud" claim \(required for scitoken:2\.0\)/],
  },
  {
    name: 'explicit audience option not in aud (strict)',
    setup: async () => ({
      env: { BEARER_TOKEN: await mint() },
      req: { ...strict, audience: 'kafka.ligo.org' },
    }),
    code: C.AUDIENCE,
    source: () => 'BEARER_TOKEN',
    message: [/neither "kafka\.ligo\.org"/],
  },
  {
    name: 'missing scope (strict)',
    setup: async () => ({
      env: { BEARER_TOKEN: await mint({ scope: 'kafka.consume gracedb.read' }) },
      req: strict,
    }),
    code: C.SCOPE,
    source: () => 'BEARER_TOKEN',
    message: [
      /does not grant scope \["kafka\.produce"\] \(it grants \["kafka\.consume", "gracedb\.read"\]\)/,
    ],
  },
  {
    name: 'no scope claim at all (strict)',
    setup: async () => ({ env: { BEARER_TOKEN: await mint({ scope: undefined }) }, req: strict }),
    code: C.SCOPE,
    source: () => 'BEARER_TOKEN',
    message: [/has no "scope" claim/],
  },
  {
    name: 'scope prefix: read:/foo does not cover read:/foobar (strict)',
    setup: async () => ({
      env: { BEARER_TOKEN: await mint({ scope: 'read:/foo' }) },
      req: { ...strict, scope: 'read:/foobar' },
    }),
    code: C.SCOPE,
    source: () => 'BEARER_TOKEN',
    message: [/\["read:\/foobar"\]/],
  },
  {
    name: 'scope prefix: read:/foo/bar does not cover read:/foo (strict)',
    setup: async () => ({
      env: { BEARER_TOKEN: await mint({ scope: 'read:/foo/bar' }) },
      req: { ...strict, scope: 'read:/foo' },
    }),
    code: C.SCOPE,
    source: () => 'BEARER_TOKEN',
    message: [/\["read:\/foo"\]/],
  },
  {
    name: 'scope: authz must match, write:/ does not grant read:/x (strict)',
    setup: async () => ({
      env: { BEARER_TOKEN: await mint({ scope: 'write:/' }) },
      req: { ...strict, scope: 'read:/x' },
    }),
    code: C.SCOPE,
    source: () => 'BEARER_TOKEN',
    message: [/\["read:\/x"\]/],
  },
  {
    name: 'scope: a granted path with .. grants nothing (strict)',
    setup: async () => ({
      env: { BEARER_TOKEN: await mint({ scope: 'read:/a/../b' }) },
      req: { ...strict, scope: 'read:/b' },
    }),
    code: C.SCOPE,
    source: () => 'BEARER_TOKEN',
    message: [/it grants \[\]/],
  },
  {
    name: 'scope: one of two requested scopes missing (strict)',
    setup: async () => ({
      env: { BEARER_TOKEN: await mint({ scope: 'kafka.produce' }) },
      req: { ...strict, scope: 'kafka.produce gracedb.read' },
    }),
    code: C.SCOPE,
    source: () => 'BEARER_TOKEN',
    message: [/\["gracedb\.read"\]/],
  },
  {
    name: 'wrong audience in SCITOKEN: the fallback only reads WLCG locations',
    setup: async () => ({ env: { SCITOKEN: await mint({ aud: 'elsewhere.example' }) } }),
    code: C.AUDIENCE,
    source: () => 'SCITOKEN',
    message: [/\$SCITOKEN has audience \["elsewhere\.example"\]/],
  },
  {
    name: 'a malformed BEARER_TOKEN shadows a valid BEARER_TOKEN_FILE (WLCG stops at the first source set)',
    setup: async (c) => {
      await writeFile(join(c.dir, 'tok'), await mint())
      return { env: { BEARER_TOKEN: 'garbage', BEARER_TOKEN_FILE: join(c.dir, 'tok') } }
    },
    code: C.MALFORMED,
    source: () => 'BEARER_TOKEN',
    message: [/\$BEARER_TOKEN is not a JWT/],
  },
  {
    name: 'an expired BEARER_TOKEN_FILE shadows a valid default-path token',
    setup: async (c) => {
      await writeFile(
        join(c.dir, 'tok'),
        await mint({ iat: now() - 7200, nbf: now() - 7200, exp: now() - 1 }),
      )
      await writeFile(c.bt, await mint())
      return { env: { BEARER_TOKEN_FILE: join(c.dir, 'tok') } }
    },
    code: C.EXPIRED,
    source: (c) => join(c.dir, 'tok'),
    message: [/\$BEARER_TOKEN_FILE \(.*tok\) expired at/],
  },
  {
    name: 'several sources refused: the message lists each and why',
    setup: async (c) => {
      await mkdir(join(c.dir, 'creds'))
      await writeFile(join(c.dir, 'creds', 'a.use'), 'junk')
      await writeFile(join(c.dir, 'creds', 'ignored.txt'), 'junk')
      await writeFile(join(c.dir, 'empty'), '')
      return {
        env: {
          SCITOKEN: await mint({ iat: now() - 7200, nbf: now() - 7200, exp: now() - 10 }),
          SCITOKEN_FILE: c.dir,
          _CONDOR_CREDS: join(c.dir, 'creds'),
          BEARER_TOKEN_FILE: join(c.dir, 'empty'),
        },
      }
    },
    code: C.EMPTY,
    source: (c) => join(c.dir, 'empty'),
    message: [
      /^No usable SciToken for Kafka \(audience "kafka\.example\.org", scope "kafka\.produce"\): tried, in order: /,
      /\(1\) \$SCITOKEN expired at/,
      /\(2\) \$SCITOKEN_FILE \(.*\) is a directory/,
      /\(3\) \$_CONDOR_CREDS file .*a\.use is not a JWT/,
      /\(4\) \$BEARER_TOKEN_FILE \(.*empty\) is empty\./,
      /Not set: \$BEARER_TOKEN\./,
    ],
  },
  {
    name: 'file far too large to be a token',
    setup: async (c) => {
      await writeFile(join(c.dir, 'big'), 'a'.repeat(2 * 1024 * 1024))
      return { env: { BEARER_TOKEN_FILE: join(c.dir, 'big') } }
    },
    code: C.MALFORMED,
    source: (c) => join(c.dir, 'big'),
    message: [/far too large/],
  },
  {
    name: '_CONDOR_CREDS is a regular file',
    setup: async (c) => {
      await writeFile(join(c.dir, 'creds'), 'x')
      return { env: { _CONDOR_CREDS: join(c.dir, 'creds') } }
    },
    code: C.UNREADABLE,
    source: (c) => join(c.dir, 'creds'),
    message: [/\$_CONDOR_CREDS \(.*creds\) is not a directory/],
  },
  {
    name: 'the token pasted into BEARER_TOKEN_FILE by mistake is not echoed back',
    setup: async () => ({ env: { BEARER_TOKEN_FILE: await mint() } }),
    code: C.UNREADABLE,
    source: () => '[REDACTED-TOKEN]',
    message: [/\$BEARER_TOKEN_FILE \(\[REDACTED-TOKEN\]\) cannot be read \(ENAMETOOLONG\)/],
  },
]
