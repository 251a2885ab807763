// The bad-input table shared by bad-input.test.ts and no-token-leak.test.ts.
import { spawnSync } from 'node:child_process'
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { TOKEN_ERROR_CODES, type TokenErrorCode } from '../codes.js'
import type { TokenRequest } from '../options.js'
import { btPath, mint, rawToken } from './tokens.js'

export const BROKER = 'kafka.example.org:9092'

export interface CaseContext {
  /** Scratch directory for files. */
  dir: string
  /** The XDG_RUNTIME_DIR every case uses (so the real /tmp/bt_u<euid> is never consulted). */
  xdg: string
  /** `$xdg/bt_u<euid>`. */
  bt: string
}

export interface BadCase {
  name: string
  setup(ctx: CaseContext): Promise<{ env?: NodeJS.ProcessEnv; req?: TokenRequest }>
  code: TokenErrorCode
  /** Expected `error.source`. */
  source: (ctx: CaseContext) => string
  /** Every pattern must match the message. */
  message: RegExp[]
}

const now = () => Math.floor(Date.now() / 1000)
const C = TOKEN_ERROR_CODES
const strict = { fallback: false } as const

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path])
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`)
}

export function contextFor(dir: string): CaseContext {
  const xdg = join(dir, 'xdg')
  return { dir, xdg, bt: btPath(xdg) }
}

export const BAD_CASES: BadCase[] = [
  {
    name: 'no token anywhere',
    setup: async () => ({}),
    code: C.NOT_FOUND,
    source: (c) => c.bt,
    message: [
      /^No SciToken found for Kafka/,
      /bt_u\d+ does not exist/,
      /Not set: \$SCITOKEN, \$SCITOKEN_FILE, \$_CONDOR_CREDS, \$BEARER_TOKEN, \$BEARER_TOKEN_FILE/,
      /htgettoken -a vault\.ligo\.org -i igwn/,
    ],
  },
  {
    name: 'empty BEARER_TOKEN and nothing else',
    setup: async () => ({ env: { BEARER_TOKEN: '' } }),
    code: C.NOT_FOUND,
    source: (c) => c.bt,
    message: [/\$BEARER_TOKEN is set but empty, skipped/, /bt_u\d+ does not exist/],
  },
  {
    name: 'empty file at BEARER_TOKEN_FILE',
    setup: async (c) => {
      await writeFile(join(c.dir, 'tok'), '')
      return { env: { BEARER_TOKEN_FILE: join(c.dir, 'tok') } }
    },
    code: C.EMPTY,
    source: (c) => join(c.dir, 'tok'),
    message: [/\$BEARER_TOKEN_FILE \(.*tok\) is empty/],
  },
  {
    name: 'whitespace-only file at the default path',
    setup: async (c) => {
      await writeFile(c.bt, ' \n\t\n')
      return {}
    },
    code: C.EMPTY,
    source: (c) => c.bt,
    message: [/bt_u\d+ is empty/],
  },
  {
    name: 'unreadable: BEARER_TOKEN_FILE below a regular file (ENOTDIR)',
    setup: async (c) => {
      await writeFile(join(c.dir, 'plain'), 'x')
      return { env: { BEARER_TOKEN_FILE: join(c.dir, 'plain', 'tok') } }
    },
    code: C.UNREADABLE,
    source: (c) => join(c.dir, 'plain', 'tok'),
    message: [/ENOTDIR/],
  },
  {
    name: 'unreadable: BEARER_TOKEN_FILE is a FIFO (must not hang)',
    setup: async (c) => {
      mkfifo(join(c.dir, 'fifo'))
      return { env: { BEARER_TOKEN_FILE: join(c.dir, 'fifo') } }
    },
    code: C.UNREADABLE,
    source: (c) => join(c.dir, 'fifo'),
    message: [/it is a FIFO, not a regular file/],
  },
  {
    name: 'unreadable: symlink loop at the default path (ELOOP)',
    setup: async (c) => {
      await symlink(join(c.xdg, 'loop-b'), join(c.xdg, 'loop-a'))
      await symlink(join(c.xdg, 'loop-a'), join(c.xdg, 'loop-b'))
      await symlink(join(c.xdg, 'loop-a'), c.bt)
      return {}
    },
    code: C.UNREADABLE,
    source: (c) => c.bt,
    message: [/ELOOP/],
  },
  {
    name: 'directory at BEARER_TOKEN_FILE',
    setup: async (c) => {
      await mkdir(join(c.dir, 'tokdir'))
      return { env: { BEARER_TOKEN_FILE: join(c.dir, 'tokdir') } }
    },
    code: C.IS_DIRECTORY,
    source: (c) => join(c.dir, 'tokdir'),
    message: [/tokdir\) is a directory, expected a file/],
  },
  {
    name: 'directory at the default path',
    setup: async (c) => {
      await mkdir(c.bt)
      return {}
    },
    code: C.IS_DIRECTORY,
    source: (c) => c.bt,
    message: [/is a directory/],
  },
  {
    name: 'SCITOKEN_FILE is a directory',
    setup: async (c) => ({ env: { SCITOKEN_FILE: c.dir } }),
    code: C.IS_DIRECTORY,
    source: (c) => c.dir,
    message: [/\$SCITOKEN_FILE \(.*\) is a directory/],
  },
  {
    name: 'SCITOKEN_FILE names a missing file',
    setup: async (c) => ({ env: { SCITOKEN_FILE: join(c.dir, 'missing') } }),
    code: C.NOT_FOUND,
    source: (c) => join(c.dir, 'missing'),
    message: [/\$SCITOKEN_FILE \(.*missing\) does not exist/],
  },
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
