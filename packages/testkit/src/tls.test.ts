import { X509Certificate } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestCertificates } from './tls.js'

describe('createTestCertificates', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'testkit-tls-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('issues a server certificate for localhost and 127.0.0.1 signed by a CA', async () => {
    const certs = await createTestCertificates(dir, ['localhost', '127.0.0.1'])
    const ca = new X509Certificate(await readFile(certs.caCertPath))
    const server = new X509Certificate(await readFile(certs.serverCertPath))
    expect(ca.ca).toBe(true)
    expect(server.ca).toBe(false)
    expect(server.checkIssued(ca)).toBe(true)
    expect(server.verify(ca.publicKey)).toBe(true)
    expect(server.checkHost('localhost')).toBe('localhost')
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1')
    expect(server.checkHost('example.com')).toBeUndefined()
    expect(server.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1')
    expect(new Date(server.validTo).getTime()).toBeGreaterThan(Date.now() + 86_400_000)
  })

  it('writes a PKCS#8 key and a PEM keystore (key, then chain) for Kafka', async () => {
    const certs = await createTestCertificates(dir, ['kafka.testkit.invalid'])
    const key = await readFile(certs.serverKeyPath, 'utf8')
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
    const keystore = await readFile(certs.serverKeystorePath, 'utf8')
    expect(keystore.startsWith(key)).toBe(true)
    expect(keystore.match(/BEGIN CERTIFICATE/g)).toHaveLength(2)
    const server = new X509Certificate(await readFile(certs.serverCertPath))
    expect(server.checkHost('kafka.testkit.invalid')).toBe('kafka.testkit.invalid')
    expect(server.checkHost('localhost')).toBeUndefined()
  })
})
