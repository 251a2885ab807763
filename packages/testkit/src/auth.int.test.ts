import { randomUUID } from 'node:crypto'
import { UnsecuredJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { consume, listTopicsWith, produce, saslClient } from './fixtures/clients.js'
import { createTokenIssuer } from './issuer.js'
import { type SharedKafka, sharedKafka } from './vitest.js'

let kafka: SharedKafka

beforeAll(async () => {
  kafka = await sharedKafka()
})

/**
 * Try a token; it must be refused, and the broker log must say why on a line that also names this token
 * (`marker`: its jti, kid or the token itself), so another test's refusal on the shared broker cannot
 * satisfy the check. `marker: null` only where the broker logs nothing of the token (a malformed JWT).
 */
async function expectRefused(token: string, brokerReason: RegExp, marker: string | null): Promise<void> {
  const before = kafka.readLog().length
  await expect(listTopicsWith(saslClient(kafka, token, { retries: 0 }))).rejects.toThrow()
  // The broker writes its reason a moment before it drops the connection.
  await expect
    .poll(
      () =>
        kafka
          .readLog()
          .slice(before)
          .split('\n')
          .some((line) => brokerReason.test(line) && (marker === null || line.includes(marker))),
      { timeout: 5_000 },
    )
    .toBe(true)
}

/** The `"jti":"…"` of a token as the broker prints its claims. */
function jtiOf(token: string): string {
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as {
    jti: string
  }
  return `"jti":"${claims.jti}"`
}

describe('the broker validates SciToken-shaped JWTs on SASL_SSL/OAUTHBEARER', () => {
  it('a valid ES256 token produces and consumes', async () => {
    const topic = `testkit-auth-valid-${Date.now()}`
    await kafka.createTopic(topic, { partitions: 1 })
    const client = saslClient(kafka, await kafka.issuer.mint({ sub: 'valid-es256' }))
    await produce(client, topic, ['one', 'two'])
    expect(await consume(client, topic, 2)).toEqual(['one', 'two'])
  })

  it('a valid RS256 token (space-separated scope string) is accepted', async () => {
    const token = await kafka.issuer.mint(
      { sub: 'valid-rs256', scope: 'gracedb.read kafka.produce' },
      { alg: 'RS256' },
    )
    expect(await listTopicsWith(saslClient(kafka, token))).toBeInstanceOf(Array)
  })

  it('refuses an unsigned token (alg none)', async () => {
    const valid = await kafka.issuer.mint()
    const claims = JSON.parse(Buffer.from(valid.split('.')[1]!, 'base64url').toString('utf8'))
    const unsigned = new UnsecuredJWT(claims).encode()
    expect(unsigned.endsWith('.')).toBe(true)
    // Kafka logs nothing of a JWT it cannot split into three sections, so this reason cannot name the token.
    await expectRefused(unsigned, /Malformed JWT provided/, null)
    // The same with a junk signature section: `none` is not an accepted algorithm. A unique kid in the
    // unsigned header lets the broker's message (which prints the header) name this token.
    const kid = `unsigned-${randomUUID()}`
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')
    await expectRefused(
      `${header}.${unsigned.split('.')[1]}.c2lnbmF0dXJl`,
      /Could not validate the access token/,
      `"kid":"${kid}"`,
    )
  })

  it('refuses a token signed by another key (same kid, iss and aud)', async () => {
    const other = await createTokenIssuer({ issuer: kafka.issuer.issuer, audience: kafka.issuer.audience })
    const forged = await other.mint({ sub: 'forged-other-key' })
    const [header, payload] = forged.split('.')
    const ours = (await kafka.issuer.mint()).split('.')[0]!
    // Reuse our header (our kid) so the broker picks our key and the signature cannot match.
    const ourKid = `${ours}.${payload}.${forged.split('.')[2]}`
    await expectRefused(ourKid, /JWT rejected due to invalid signature/, ourKid)
    // And with the foreign kid (unique to that issuer) the broker finds no key at all.
    const foreignKid = (JSON.parse(Buffer.from(header!, 'base64url').toString('utf8')) as { kid: string }).kid
    await expectRefused(
      `${header}.${payload}.${forged.split('.')[2]}`,
      /Unable to find a suitable verification key/,
      `"kid":"${foreignKid}"`,
    )
  })

  it('refuses a token whose payload was changed after signing', async () => {
    const token = await kafka.issuer.mint({ sub: 'honest-user' })
    const [header, payload, signature] = token.split('.')
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'))
    claims.sub = 'admin'
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`
    await expectRefused(tampered, /JWT rejected due to invalid signature/, tampered)
  })

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000)
    const token = await kafka.issuer.mint({
      sub: 'expired-user',
      iat: now - 7200,
      nbf: now - 7200,
      exp: now - 3600,
    })
    await expectRefused(token, /"sub":"expired-user".*The JWT is no longer valid/, jtiOf(token))
  })

  it('refuses a token for the wrong audience', async () => {
    const token = await kafka.issuer.mint({ sub: 'wrong-aud-user', aud: 'kafka.other.example' })
    await expectRefused(token, /Audience \(aud\) claim \[kafka\.other\.example\]/, jtiOf(token))
  })

  it('refuses a token from the wrong issuer', async () => {
    const token = await kafka.issuer.mint({ sub: 'wrong-iss-user', iss: 'https://evil.example' })
    await expectRefused(token, /Issuer \(iss\) claim value \(https:\/\/evil\.example\)/, jtiOf(token))
  })
})
