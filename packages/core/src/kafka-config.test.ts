import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  buildKafkaConfig,
  type ConnectionOptions,
  connectionOptionsSchema,
  defaultLogLevel,
  InvalidOptionError,
  parseOptions,
  redactingLogCreator,
} from './index.js'

const dir = mkdtempSync(join(tmpdir(), 'gk-core-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
const caPath = join(dir, 'ca.pem')
writeFileSync(caPath, CA)

const options = (extra: Record<string, unknown> = {}): ConnectionOptions =>
  parseOptions(
    connectionOptionsSchema,
    { bootstrapServers: 'a.example.org:9092,b.example.org:9093', instanceName: 'gracedb-dev', ...extra },
    'Test',
  )
const provider = async () => ({ value: 'token' })
const build = (extra: Record<string, unknown> = {}, kafkaConfig?: Record<string, unknown>) =>
  buildKafkaConfig(options(extra), { clientId: 'me', oauthBearerProvider: provider, kafkaConfig })

describe('buildKafkaConfig', () => {
  it('defaults: TLS verifying the hostname, OAUTHBEARER, every broker, bounded timeouts, redacting logs', () => {
    const config = build()
    expect(config.clientId).toBe('me')
    expect(config.brokers).toEqual(['a.example.org:9092', 'b.example.org:9093'])
    expect(config.ssl).toEqual({ rejectUnauthorized: true })
    expect(config.sasl.mechanism).toBe('oauthbearer')
    expect(typeof config.sasl.authenticationProvider).toBe('function')
    // kafkajs never reads oauthBearerProvider when an authenticationProvider is set.
    expect(config.sasl).not.toHaveProperty('oauthBearerProvider')
    expect(config.reauthenticationThreshold).toBe(2000)
    expect(config.connectionTimeout).toBeGreaterThan(0)
    expect(config.enforceRequestTimeout).toBe(true)
    expect(config.logLevel).toBe(defaultLogLevel())
    expect(config.logCreator).toBe(redactingLogCreator)
  })

  it('formats IPv6 brokers in brackets for kafkajs', () => {
    expect(build({ bootstrapServers: '[::1]:9093' }).brokers).toEqual(['[::1]:9093'])
  })

  it('useSsl: false is plaintext', () => {
    expect(build({ useSsl: false }).ssl).toBe(false)
  })

  it('reads caCertPath into ssl.ca', () => {
    const ssl = build({ caCertPath: caPath }).ssl
    expect(ssl).toMatchObject({ ca: [CA], rejectUnauthorized: true })
  })

  it('ignores caCertPath without TLS', () => {
    expect(build({ useSsl: false, caCertPath: join(dir, 'missing.pem') }).ssl).toBe(false)
  })

  it('an unreadable caCertPath is an InvalidOptionError naming it', () => {
    let caught: unknown
    try {
      build({ caCertPath: join(dir, 'missing.pem') })
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(InvalidOptionError)
    expect((caught as InvalidOptionError).option).toBe('caCertPath')
    expect((caught as InvalidOptionError).message).toMatch(/cannot read CA file .*missing\.pem: ENOENT/)
  })

  it('skipHostnameVerification accepts any server name but still verifies the chain', () => {
    const ssl = build({ skipHostnameVerification: true }).ssl as {
      rejectUnauthorized: boolean
      checkServerIdentity?: (host: string, cert: unknown) => Error | undefined
    }
    expect(ssl.rejectUnauthorized).toBe(true)
    expect(ssl.checkServerIdentity?.('other.example.org', {})).toBeUndefined()
    expect(build().ssl).not.toHaveProperty('checkServerIdentity')
  })

  it('the SASL provider sends the token from oauthBearerProvider as an OAUTHBEARER client message', async () => {
    const sent: string[] = []
    const auth = build().sasl.authenticationProvider({
      host: 'a.example.org',
      port: 9092,
      saslAuthenticate: async ({ request }) => {
        sent.push((await request.encode()).subarray(4).toString('utf8'))
      },
    })
    await auth.authenticate()
    expect(sent).toEqual(['n,,\u0001auth=Bearer token\u0001\u0001'])
  })

  it('kafkaConfig overrides any key, including the log settings', () => {
    const logCreator = () => () => {}
    const config = build(
      {},
      { logLevel: 5, logCreator, reauthenticationThreshold: 500, clientId: 'override', requestTimeout: 1 },
    )
    expect(config.logLevel).toBe(5)
    expect(config.logCreator).toBe(logCreator)
    expect(config.reauthenticationThreshold).toBe(500)
    expect(config.clientId).toBe('override')
    expect(config.requestTimeout).toBe(1)
    expect(config.brokers).toEqual(['a.example.org:9092', 'b.example.org:9093'])
  })
})
