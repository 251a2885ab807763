import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import {
  createOAuthCallback,
  decodeToken,
  getScitokenForKafka,
  InvalidOptionError,
  KafkaTokenError,
  type TokenRequest,
} from './index.js'
import { BROKER } from './testing/bad-input-cases.js'
import { btPath, cleanup, mint, tempDir } from './testing/tokens.js'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(cleanup))
})

/** A scratch dir with an (empty) XDG_RUNTIME_DIR inside, so the real /tmp/bt_u<euid> is never consulted. */
async function scratch() {
  const dir = await tempDir()
  dirs.push(dir)
  const xdg = join(dir, 'xdg')
  await mkdir(xdg)
  return { dir, xdg, bt: btPath(xdg), env: { XDG_RUNTIME_DIR: xdg } as NodeJS.ProcessEnv }
}

const subOf = (token: string) => decodeToken(token, 'test').sub
const now = () => Math.floor(Date.now() / 1000)

describe('accepted tokens', () => {
  test('whitespace around a token file is trimmed', async () => {
    const s = await scratch()
    const token = await mint()
    await writeFile(join(s.dir, 'tok'), `\n  ${token} \n\n`)
    expect(
      await getScitokenForKafka(BROKER, { env: { ...s.env, BEARER_TOKEN_FILE: join(s.dir, 'tok') } }),
    ).toBe(token)
  })

  test('whitespace around BEARER_TOKEN is trimmed', async () => {
    const s = await scratch()
    const token = await mint()
    expect(await getScitokenForKafka(BROKER, { env: { ...s.env, BEARER_TOKEN: `  ${token}\n` } })).toBe(token)
  })

  test.each([
    ['empty', ''],
    ['whitespace-only', ' \n '],
  ])('an %s BEARER_TOKEN falls through to BEARER_TOKEN_FILE', async (_n, value) => {
    const s = await scratch()
    const token = await mint()
    await writeFile(join(s.dir, 'tok'), token)
    const env = { ...s.env, BEARER_TOKEN: value, BEARER_TOKEN_FILE: join(s.dir, 'tok') }
    expect(await getScitokenForKafka(BROKER, { env })).toBe(token)
  })

  test('a BEARER_TOKEN_FILE that is a directory or missing falls through to the default path', async () => {
    const s = await scratch()
    const token = await mint()
    await writeFile(s.bt, token)
    await mkdir(join(s.dir, 'd'))
    expect(
      await getScitokenForKafka(BROKER, { env: { ...s.env, BEARER_TOKEN_FILE: join(s.dir, 'd') } }),
    ).toBe(token)
    expect(
      await getScitokenForKafka(BROKER, { env: { ...s.env, BEARER_TOKEN_FILE: join(s.dir, 'x') } }),
    ).toBe(token)
  })

  test.each<[string, Record<string, unknown>, TokenRequest]>([
    ['aud "ANY"', { aud: 'ANY' }, {}],
    ['aud list containing the broker host', { aud: ['x.example', 'kafka.example.org'] }, {}],
    ['aud list containing ANY', { aud: ['x.example', 'ANY'] }, {}],
    ['no aud on a non-2.0 token', { aud: undefined, ver: undefined }, {}],
    ['explicit audience option', { aud: 'kafka.ligo.org' }, { audience: 'kafka.ligo.org' }],
    ['granted read:/foo covers read:/foo/bar', { scope: 'read:/foo' }, { scope: 'read:/foo/bar' }],
    ['granted read:/foo covers read:/foo', { scope: 'read:/foo' }, { scope: 'read:/foo' }],
    ['granted read:/ covers anything', { scope: 'read:/' }, { scope: 'read:/a/b/c' }],
    ['granted read:/foo/ covers read:/foo/x', { scope: 'read:/foo/' }, { scope: 'read:/foo/x' }],
    ['a scope without path means "/"', { scope: 'kafka.produce' }, { scope: 'kafka.produce:/anything' }],
    ['requested path is normalized', { scope: 'read:/foo' }, { scope: 'read://foo/./bar/../baz' }],
    ['several requested scopes all granted', { scope: 'a b c' }, { scope: 'c a' }],
    ['the older scp list claim', { scope: undefined, scp: ['kafka.produce', 'x'] }, {}],
    ['empty scope option requires nothing', { scope: undefined }, { scope: '' }],
    ['exactly minLifetime left', {}, { minLifetime: 0 }],
  ])('strict match: %s', async (_name, claims, req) => {
    const s = await scratch()
    const token = await mint(claims)
    const info = await createOAuthCallback(BROKER, {
      ...req,
      fallback: false,
      env: { ...s.env, BEARER_TOKEN: token },
    })()
    expect(info.value).toBe(token)
  })

  test('the OAuth callback resolves value, expiresAt (ms), principal, scope and source', async () => {
    const s = await scratch()
    const exp = now() + 1234
    const token = await mint({ sub: 'alice', exp, scope: 'kafka.produce gracedb.read' })
    await writeFile(s.bt, token)
    const info = await createOAuthCallback('kafka.example.org:9092', { env: s.env })()
    expect(info).toEqual({
      value: token,
      expiresAt: exp * 1000,
      principal: 'alice',
      scope: 'kafka.produce gracedb.read',
      source: s.bt,
    })
  })
})

describe('the direct-read fallback (ligo-gracedb: expiry only, WLCG locations only)', () => {
  test.each<[string, Record<string, unknown>, number]>([
    ['wrong audience', { aud: 'kafka.other.org' }, 3600],
    ['missing scope', { scope: 'gracedb.read' }, 3600],
    ['less than minLifetime left', {}, 20],
  ])(
    'accepts a WLCG token with %s by default, refuses it with fallback: false',
    async (_n, claims, lifetime) => {
      const s = await scratch()
      const token = await mint(claims, lifetime)
      await writeFile(s.bt, token)
      expect(await getScitokenForKafka(BROKER, { env: s.env })).toBe(token)
      await expect(getScitokenForKafka(BROKER, { env: s.env, fallback: false })).rejects.toBeInstanceOf(
        KafkaTokenError,
      )
    },
  )

  test('a matching token later in the order beats an earlier fallback-only candidate', async () => {
    const s = await scratch()
    const good = await mint({ sub: 'good' })
    await mkdir(join(s.dir, 'creds'))
    await writeFile(join(s.dir, 'creds', 'a.use'), good)
    const wrongAud = await mint({ sub: 'wlcg', aud: 'kafka.other.org' })
    const env = { ...s.env, _CONDOR_CREDS: join(s.dir, 'creds'), BEARER_TOKEN: wrongAud }
    expect(subOf(await getScitokenForKafka(BROKER, { env }))).toBe('good')
  })

  test('a WLCG match beats nothing; a refused SCITOKEN then a matching BEARER_TOKEN_FILE gives the file', async () => {
    const s = await scratch()
    const file = await mint({ sub: 'file' })
    await writeFile(join(s.dir, 'tok'), file)
    const env = {
      ...s.env,
      SCITOKEN: await mint({ aud: 'x.example' }),
      BEARER_TOKEN_FILE: join(s.dir, 'tok'),
    }
    expect(subOf(await getScitokenForKafka(BROKER, { env, fallback: false }))).toBe('file')
  })

  test('the fallback does not take SCITOKEN / SCITOKEN_FILE / _CONDOR_CREDS tokens', async () => {
    const s = await scratch()
    await writeFile(join(s.dir, 'sf'), await mint({ aud: 'x.example' }))
    const env = { ...s.env, SCITOKEN_FILE: join(s.dir, 'sf') }
    await expect(getScitokenForKafka(BROKER, { env })).rejects.toMatchObject({
      code: 'ERR_KAFKA_TOKEN_AUDIENCE',
    })
  })
})

describe('discovery order', () => {
  type Place = (s: Awaited<ReturnType<typeof scratch>>, token: string) => Promise<NodeJS.ProcessEnv>
  const places: [string, Place][] = [
    ['SCITOKEN', async (_s, t) => ({ SCITOKEN: t })],
    [
      'SCITOKEN_FILE',
      async (s, t) => {
        await writeFile(join(s.dir, 'scitoken-file'), t)
        return { SCITOKEN_FILE: join(s.dir, 'scitoken-file') }
      },
    ],
    [
      '_CONDOR_CREDS',
      async (s, t) => {
        await mkdir(join(s.dir, 'creds'), { recursive: true })
        await writeFile(join(s.dir, 'creds', 'scitokens.use'), t)
        return { _CONDOR_CREDS: join(s.dir, 'creds') }
      },
    ],
    ['BEARER_TOKEN', async (_s, t) => ({ BEARER_TOKEN: t })],
    [
      'BEARER_TOKEN_FILE',
      async (s, t) => {
        await writeFile(join(s.dir, 'bearer-file'), t)
        return { BEARER_TOKEN_FILE: join(s.dir, 'bearer-file') }
      },
    ],
    [
      'XDG_RUNTIME_DIR/bt_u<euid>',
      async (s, t) => {
        await writeFile(s.bt, t)
        return {}
      },
    ],
  ]
  const pairs = places.flatMap((a, i) =>
    places.slice(i + 1).map((b) => [a[0], b[0], i, places.indexOf(b)] as const),
  )

  test('all 15 pairs are covered', () => {
    expect(pairs).toHaveLength(15)
  })

  test.each(pairs)('%s wins over %s', async (_a, _b, i, j) => {
    const s = await scratch()
    const first = await mint({ sub: `first-${i}` })
    const second = await mint({ sub: `second-${j}` })
    const env = { ...s.env, ...(await places[j]![1](s, second)), ...(await places[i]![1](s, first)) }
    const info = await createOAuthCallback(BROKER, { env })()
    expect(info.principal).toBe(`first-${i}`)
  })

  test('HTCondor *.use files are tried in name order; other files are ignored', async () => {
    const s = await scratch()
    const creds = join(s.dir, 'creds')
    await mkdir(creds)
    await writeFile(join(creds, 'b.use'), await mint({ sub: 'b' }))
    await writeFile(join(creds, 'a.use'), await mint({ sub: 'a', aud: 'x.example' }))
    await writeFile(join(creds, 'c.top'), await mint({ sub: 'c' }))
    await writeFile(join(creds, '.use'), await mint({ sub: 'dot' }))
    expect(subOf(await getScitokenForKafka(BROKER, { env: { ...s.env, _CONDOR_CREDS: creds } }))).toBe('b')
  })

  test('XDG_RUNTIME_DIR/bt_u<euid> is used when XDG_RUNTIME_DIR is set', async () => {
    const s = await scratch()
    await writeFile(s.bt, await mint({ sub: 'xdg' }))
    const info = await createOAuthCallback(BROKER, { env: s.env })()
    expect(info.source).toBe(join(s.xdg, `bt_u${process.geteuid!()}`))
  })

  test.each([
    ['unset', {}],
    ['empty', { XDG_RUNTIME_DIR: '' }],
  ])(
    '/tmp/bt_u<euid> is consulted when XDG_RUNTIME_DIR is %s (read only, never written)',
    async (_n, env) => {
      const path = `/tmp/bt_u${process.geteuid!()}`
      // Whatever the machine has there, discovery must name that path: as the source of a token or in the error.
      const outcome = await createOAuthCallback(BROKER, { env, fallback: false })().then(
        (info) => info.source,
        (err: KafkaTokenError) => err.message,
      )
      expect(outcome).toContain(path)
    },
  )
})

describe('options', () => {
  test.each<[string, unknown, string]>([
    ['negative minLifetime', { minLifetime: -1 }, 'minLifetime'],
    ['string minLifetime', { minLifetime: '60' }, 'minLifetime'],
    ['empty audience', { audience: '' }, 'audience'],
    ['non-string scope', { scope: 42 }, 'scope'],
    ['read without a path', { scope: 'read' }, 'scope'],
    ['relative scope path', { scope: 'read:foo' }, 'scope'],
    ['env not an object', { env: 'x' }, 'env'],
  ])('%s is an InvalidOptionError naming the option', (_n, req, option) => {
    expect(() => createOAuthCallback(BROKER, req as TokenRequest)).toThrow(InvalidOptionError)
    try {
      createOAuthCallback(BROKER, req as TokenRequest)
    } catch (err) {
      expect((err as InvalidOptionError).option).toBe(option)
    }
  })

  test('a broker with no hostname is an InvalidOptionError on brokerUrl', () => {
    expect(() => createOAuthCallback(':9092')).toThrow(/brokerUrl/)
  })
})
