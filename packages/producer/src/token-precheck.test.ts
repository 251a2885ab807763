import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KafkaTokenError } from '@gracedb-kafka/core'
import { afterAll, describe, expect, it } from 'vitest'
import { GraceDbKafkaProducer } from './producer.js'
import { precheckToken } from './token-precheck.js'

const dir = mkdtempSync(join(tmpdir(), 'precheck-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** An unsigned JWT with these claims (the check decodes, it does not verify). */
function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${Buffer.from('sig').toString('base64url')}`
}
const now = Math.floor(Date.now() / 1000)

describe('precheckToken (validateToken)', () => {
  it('accepts an unexpired token from $BEARER_TOKEN_FILE or $SCITOKEN', () => {
    const file = join(dir, 'ok')
    writeFileSync(file, `${jwt({ sub: 'a', exp: now + 3600 })}\n`)
    expect(() => precheckToken({ BEARER_TOKEN_FILE: file })).not.toThrow()
    expect(() => precheckToken({ SCITOKEN: jwt({ exp: now + 60 }) })).not.toThrow()
  })

  it('a missing token: KafkaTokenError saying where it looked and how to get one, never a token', () => {
    const missing = join(dir, 'nope')
    const err = (() => {
      try {
        precheckToken({ BEARER_TOKEN_FILE: missing })
      } catch (e) {
        return e as KafkaTokenError
      }
    })()
    expect(err).toBeInstanceOf(KafkaTokenError)
    expect(err!.code).toBe('ERR_KAFKA_TOKEN_NOT_FOUND')
    expect(err!.message).toContain(`$BEARER_TOKEN_FILE (${missing}) does not exist`)
    expect(err!.message).toContain('$SCITOKEN')
    expect(err!.message).toContain('htgettoken')
  })

  it('an expired token: KafkaTokenError ERR_KAFKA_TOKEN_EXPIRED with the expiry time', () => {
    const file = join(dir, 'expired')
    const token = jwt({ sub: 'a', exp: now - 60 })
    writeFileSync(file, token)
    expect(() => precheckToken({ BEARER_TOKEN_FILE: file })).toThrow(
      expect.objectContaining({
        code: 'ERR_KAFKA_TOKEN_EXPIRED',
        message: expect.stringMatching(/expired at/),
      }),
    )
    expect(() => precheckToken({ BEARER_TOKEN_FILE: file })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(token) }),
    )
  })

  it('runs in the constructor by default, and not with validateToken: false', () => {
    const saved = { ...process.env }
    try {
      for (const v of ['SCITOKEN', 'SCITOKEN_FILE', '_CONDOR_CREDS', 'BEARER_TOKEN']) delete process.env[v]
      process.env.BEARER_TOKEN_FILE = join(dir, 'absent')
      const opts = { bootstrapServers: '127.0.0.1:1', instanceName: 'gracedb-dev' }
      expect(() => new GraceDbKafkaProducer(opts)).toThrow(KafkaTokenError)
      const p = new GraceDbKafkaProducer({ ...opts, validateToken: false })
      void p.close(0)
    } finally {
      process.env = saved
    }
  })
})
