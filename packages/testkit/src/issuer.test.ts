import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenIssuer, DEFAULT_SCOPE, type TokenIssuer } from './issuer.js'
import { bearerTokenPath, writeBearerTokenFile } from './token-files.js'

describe('createTokenIssuer', () => {
  let issuer: TokenIssuer
  let dir: string
  beforeAll(async () => {
    issuer = await createTokenIssuer()
    dir = await mkdtemp(join(tmpdir(), 'testkit-issuer-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('mints SciToken-shaped ES256 tokens that verify against its JWKS', async () => {
    const token = await issuer.mint()
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(issuer.jwks), {
      issuer: issuer.issuer,
      audience: 'localhost',
    })
    expect(protectedHeader.alg).toBe('ES256')
    expect(protectedHeader.kid).toMatch(/^testkit-es256-/)
    expect(payload).toMatchObject({ sub: 'testuser', scope: DEFAULT_SCOPE, ver: 'scitoken:2.0' })
    expect(payload.exp! - payload.iat!).toBe(3600)
    expect(payload.nbf).toBe(payload.iat)
    expect(typeof payload.jti).toBe('string')
  })

  it('mints RS256 with a lifetime, overrides claims, and drops claims set to undefined', async () => {
    const token = await issuer.mint(
      { sub: 'alice', scope: 'kafka.consume', jti: undefined },
      { alg: 'RS256', lifetime: 60 },
    )
    expect(decodeProtectedHeader(token).alg).toBe('RS256')
    const { payload } = await jwtVerify(token, createLocalJWKSet(issuer.jwks))
    expect(payload.sub).toBe('alice')
    expect(payload.scope).toBe('kafka.consume')
    expect(payload.exp! - payload.iat!).toBe(60)
    expect('jti' in payload).toBe(false)
  })

  it('publishes only public keys and can be rebuilt from its private JWKs (as workers do)', async () => {
    for (const key of issuer.jwks.keys) expect(key).not.toHaveProperty('d')
    const copy = await createTokenIssuer({ privateJwks: issuer.privateJwks, issuer: issuer.issuer })
    await expect(jwtVerify(await copy.mint(), createLocalJWKSet(issuer.jwks))).resolves.toBeTruthy()
  })

  it('writes token files atomically with mode 0600, including the bt_u<uid> discovery file', async () => {
    const token = await issuer.mint()
    const path = await issuer.writeTokenFile(token, join(dir, 'nested', 'token'))
    expect(await readFile(path, 'utf8')).toBe(token)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    const bt = await writeBearerTokenFile(token, dir, 1234)
    expect(bt).toBe(join(dir, 'bt_u1234'))
    expect((await readFile(bt, 'utf8')).trim()).toBe(token)
    expect(bearerTokenPath('/run/user/7', 7)).toBe('/run/user/7/bt_u7')
  })

  it('rotates the token file on a timer until stopped', async () => {
    const path = join(dir, 'rotating')
    const rotation = issuer.rotate({ path, every: 0.2, lifetime: 30, claims: { sub: 'rotor' } })
    await rotation.ready
    const first = await readFile(path, 'utf8')
    await expect.poll(() => rotation.count, { timeout: 3_000 }).toBeGreaterThanOrEqual(3)
    rotation.stop()
    const last = await readFile(path, 'utf8')
    expect(last).not.toBe(first)
    const { payload } = await jwtVerify(last, createLocalJWKSet(issuer.jwks))
    expect(payload.sub).toBe('rotor')
    const count = rotation.count
    await sleep(500)
    expect(rotation.count).toBe(count)
  })
})
