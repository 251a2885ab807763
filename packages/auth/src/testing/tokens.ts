// Test helpers (not published): mint real ES256 SciTokens with jose, make throwaway directories and envs.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type CryptoKey, generateKeyPair, type JWTPayload, SignJWT } from 'jose'

let keyPromise: Promise<CryptoKey> | undefined

/** Every token minted in this worker, so leak tests can look for all of them. */
export const minted: string[] = []

export const ISSUER = 'https://issuer.test.example'

/** Mint an ES256 token. `lifetime` seconds from now unless `claims.exp` is given; `undefined` values drop a claim. */
export async function mint(claims: Record<string, unknown> = {}, lifetime = 3600): Promise<string> {
  keyPromise ??= generateKeyPair('ES256').then((pair) => pair.privateKey)
  const now = Math.floor(Date.now() / 1000)
  const payload: Record<string, unknown> = {
    iss: ISSUER,
    sub: 'testuser',
    aud: 'kafka.example.org',
    scope: 'kafka.produce kafka.consume gracedb.read',
    ver: 'scitoken:2.0',
    iat: now,
    nbf: now,
    exp: now + lifetime,
    jti: crypto.randomUUID(),
    ...claims,
  }
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k]
  const token = await new SignJWT(payload as JWTPayload)
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'test' })
    .sign(await keyPromise)
  minted.push(token)
  return token
}

const b64u = (text: string) => Buffer.from(text).toString('base64url')

/** Hand-build a compact token from raw header/payload text (for malformed cases). Records it in `minted`. */
export function rawToken(
  payload: string,
  header = '{"alg":"ES256","typ":"JWT"}',
  signature = 'c2lnbmF0dXJlLWJ5dGVz',
): string {
  const token = `${b64u(header)}.${b64u(payload)}.${signature}`
  minted.push(token)
  return token
}

/** A fresh temporary directory; remove it with `cleanup`. */
export async function tempDir(prefix = 'gk-auth-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

export async function cleanup(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

/** Write atomically (tmp + rename), as htgettoken does. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, text)
  await rename(tmp, path)
}

/** The default WLCG token path inside `xdg`. */
export function btPath(xdg: string): string {
  return join(xdg, `bt_u${process.geteuid?.() ?? 0}`)
}
