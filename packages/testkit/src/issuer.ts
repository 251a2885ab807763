import { randomBytes, randomUUID } from 'node:crypto'
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose'
import { defaultTokenPath, writeFileAtomic } from './token-files.js'

/** Signature algorithms the test issuer holds keys for. */
export type IssuerAlgorithm = 'ES256' | 'RS256'

/** Options for {@link TokenIssuer.mint}. */
export interface MintOptions {
  /** Signing algorithm; default `ES256`. */
  alg?: IssuerAlgorithm
  /** Seconds from now until `exp`; default 3600. Negative values mint an already expired token. */
  lifetime?: number
}

/** Options for {@link TokenIssuer.rotate}. */
export interface RotateOptions {
  /** The token file to (re)write atomically. */
  path: string
  /** Seconds between rewrites. */
  every: number
  /** Lifetime in seconds of each minted token. */
  lifetime: number
  /** Claims merged into each token. */
  claims?: Record<string, unknown>
  /** Signing algorithm; default `ES256`. */
  alg?: IssuerAlgorithm
}

/** A running rotation started by {@link TokenIssuer.rotate}. */
export interface Rotation {
  /** Stop rewriting the file (the last token stays on disk). */
  stop(): void
  /** Resolves with the path once the first token has been written. */
  ready: Promise<string>
  /** How many tokens have been written so far. */
  readonly count: number
}

/** A SciToken-shaped JWT issuer whose public keys the test broker trusts. */
export interface TokenIssuer {
  /** The `iss` the broker expects. */
  readonly issuer: string
  /** The default `aud`: the host clients dial (`localhost`), which the broker expects. */
  readonly audience: string
  /**
   * Mint a signed JWT. Defaults: `iss`, `sub: "testuser"`, `aud`, `scope: "gracedb.read kafka.produce
   * kafka.consume"`, `exp`, `iat`, `nbf`, `jti`, `ver: "scitoken:2.0"`. `claims` override them; a claim set to
   * `undefined` is left out.
   */
  mint(claims?: Record<string, unknown>, opts?: MintOptions): Promise<string>
  /** Write `token` atomically (temp file + rename) to `path` (default: a fresh temp file); returns the path. */
  writeTokenFile(token: string, path?: string): Promise<string>
  /** Mint and write a token now and then every `every` seconds (timer is unref'd). */
  rotate(opts: RotateOptions): Rotation
  /** The public JWKS the broker validates against. */
  readonly jwks: { keys: JWK[] }
  /** The private JWKs (with `kid` and `alg`), so another process can rebuild this issuer. Test use only. */
  readonly privateJwks: JWK[]
}

/** Options for {@link createTokenIssuer}. */
export interface CreateTokenIssuerOptions {
  /** The `iss` value; default `https://scitokens.testkit.invalid`. */
  issuer?: string
  /** The default `aud`; default `localhost`. */
  audience?: string
  /** Reuse existing private JWKs (from {@link TokenIssuer.privateJwks}) instead of generating new ones. */
  privateJwks?: JWK[]
}

/**
 * The scope the default token carries.
 *
 * @example
 * ```ts
 * const token = await issuer.mint({ scope: `${DEFAULT_SCOPE} gracedb.write` })
 * ```
 */
export const DEFAULT_SCOPE: string = 'gracedb.read kafka.produce kafka.consume'

async function generate(alg: IssuerAlgorithm, suffix: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'RS256' ? { modulusLength: 2048 } : {}),
  })
  const jwk = await exportJWK(privateKey)
  return { ...jwk, kid: `testkit-${alg.toLowerCase()}-${suffix}`, alg, use: 'sig' }
}

function publicPart(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk
  return pub
}

/**
 * Create a token issuer with fresh ES256 and RS256 keys (or the given ones).
 *
 * @example
 * ```ts
 * const issuer = await createTokenIssuer()
 * const token = await issuer.mint({ sub: 'alice' }, { alg: 'RS256', lifetime: 600 })
 * process.env.BEARER_TOKEN_FILE = await issuer.writeTokenFile(token)
 * ```
 */
export async function createTokenIssuer(opts: CreateTokenIssuerOptions = {}): Promise<TokenIssuer> {
  const suffix = randomBytes(4).toString('hex')
  const privateJwks = opts.privateJwks ?? [await generate('ES256', suffix), await generate('RS256', suffix)]
  const keys = new Map<string, { jwk: JWK; key: Awaited<ReturnType<typeof importJWK>> }>()
  for (const jwk of privateJwks) {
    if (!jwk.alg) throw new Error('testkit: issuer private JWKs need an "alg"')
    keys.set(jwk.alg, { jwk, key: await importJWK(jwk, jwk.alg) })
  }
  const issuerName = opts.issuer ?? 'https://scitokens.testkit.invalid'
  const audience = opts.audience ?? 'localhost'

  const mint = async (claims: Record<string, unknown> = {}, mintOpts: MintOptions = {}): Promise<string> => {
    const alg = mintOpts.alg ?? 'ES256'
    const entry = keys.get(alg)
    if (!entry) throw new Error(`testkit: issuer has no ${alg} key`)
    const now = Math.floor(Date.now() / 1000)
    const payload: Record<string, unknown> = {
      iss: issuerName,
      sub: 'testuser',
      aud: audience,
      scope: DEFAULT_SCOPE,
      exp: now + (mintOpts.lifetime ?? 3600),
      iat: now,
      nbf: now,
      jti: randomUUID(),
      ver: 'scitoken:2.0',
      ...claims,
    }
    for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k]
    return new SignJWT(payload).setProtectedHeader({ alg, kid: entry.jwk.kid!, typ: 'JWT' }).sign(entry.key)
  }

  const writeTokenFile = (token: string, path?: string): Promise<string> =>
    writeFileAtomic(path ?? defaultTokenPath(), token)

  const rotate = (rot: RotateOptions): Rotation => {
    let count = 0
    let stopped = false
    const writeOne = async (): Promise<string> => {
      const token = await mint(rot.claims, { lifetime: rot.lifetime, ...(rot.alg ? { alg: rot.alg } : {}) })
      if (stopped) return rot.path
      await writeTokenFile(token, rot.path)
      count++
      return rot.path
    }
    const ready = writeOne()
    const timer = setInterval(() => {
      writeOne().catch(() => {})
    }, rot.every * 1000)
    timer.unref()
    return {
      ready,
      get count() {
        return count
      },
      stop() {
        stopped = true
        clearInterval(timer)
      },
    }
  }

  return {
    issuer: issuerName,
    audience,
    mint,
    writeTokenFile,
    rotate,
    jwks: { keys: privateJwks.map(publicPart) },
    privateJwks,
  }
}
