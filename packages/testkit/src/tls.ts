import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { join } from 'node:path'
import {
  bitString,
  boolean,
  explicit,
  integer,
  octetString,
  oid,
  sequence,
  set,
  tlv,
  utcTime,
  utf8String,
} from './der.js'

/** Files of a throwaway CA and one server certificate it signed (all PEM; keys are PKCS#8). */
export interface TestCertificates {
  /** CA certificate: hand this to clients as `caCertPath`. */
  caCertPath: string
  /** Server private key, PKCS#8 PEM. */
  serverKeyPath: string
  /** Server certificate chain (server certificate then CA), PEM. */
  serverCertPath: string
  /** Key followed by chain: the file Kafka's `ssl.keystore.type=PEM` keystore reads. */
  serverKeystorePath: string
  /** The subject alternative names in the server certificate. */
  subjectAltNames: string[]
}

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'))

function name(commonName: string): Buffer {
  return sequence(set(sequence(oid('2.5.4.3'), utf8String(commonName))))
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? sequence(oid(id), boolean(true), octetString(value))
    : sequence(oid(id), octetString(value))
}

function keyId(spki: Buffer): Buffer {
  return createHash('sha1').update(spki).digest()
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number))
  throw new Error(`only IPv4 subject alternative names are supported, got ${ip}`)
}

interface CertSpec {
  subject: string
  issuer: string
  publicKey: KeyObject
  signingKey: KeyObject
  authorityKeyId: Buffer
  ca: boolean
  altNames: string[]
}

function toPem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n')
  return `-----BEGIN ${label}-----\n${b64.trimEnd()}\n-----END ${label}-----\n`
}

function certificate(spec: CertSpec): string {
  const spki = spec.publicKey.export({ type: 'spki', format: 'der' })
  const serial = randomBytes(16)
  serial[0] = serial[0]! & 0x7f
  const now = Date.now()
  const extensions: Buffer[] = [
    extension('2.5.29.19', true, spec.ca ? sequence(boolean(true)) : sequence()),
    // keyUsage: CA keyCertSign+cRLSign; leaf digitalSignature.
    extension(
      '2.5.29.15',
      true,
      spec.ca ? bitString(Buffer.from([0x06]), 1) : bitString(Buffer.from([0x80]), 7),
    ),
    extension('2.5.29.14', false, octetString(keyId(spki))),
    extension('2.5.29.35', false, sequence(tlv(0x80, spec.authorityKeyId))),
  ]
  if (!spec.ca) {
    extensions.push(extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))))
    const names = spec.altNames.map((n) =>
      isIP(n) ? tlv(0x87, ipBytes(n)) : tlv(0x82, Buffer.from(n, 'ascii')),
    )
    extensions.push(extension('2.5.29.17', false, sequence(...names)))
  }
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(serial),
    ECDSA_WITH_SHA256,
    name(spec.issuer),
    sequence(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + 7 * 86_400_000))),
    name(spec.subject),
    spki,
    explicit(3, sequence(...extensions)),
  )
  const signature = sign('sha256', tbs, spec.signingKey)
  return toPem('CERTIFICATE', sequence(tbs, ECDSA_WITH_SHA256, bitString(signature)))
}

/**
 * Create a throwaway CA and a server certificate for `hostnames` (DNS names and IPv4 addresses), with
 * P-256 keys, and write them as PEM files into `dir`. Pure node:crypto: no openssl or keytool needed.
 *
 * @example
 * ```ts
 * const certs = await createTestCertificates('/tmp/kafka-tls', ['localhost', '127.0.0.1'])
 * new Kafka({ brokers, ssl: { ca: [readFileSync(certs.caCertPath, 'utf8')] } })
 * ```
 */
export async function createTestCertificates(dir: string, hostnames: string[]): Promise<TestCertificates> {
  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const server = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const caSpki = ca.publicKey.export({ type: 'spki', format: 'der' })
  const caName = `gracedb-kafka testkit CA ${randomBytes(4).toString('hex')}`
  const caPem = certificate({
    subject: caName,
    issuer: caName,
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    authorityKeyId: keyId(caSpki),
    ca: true,
    altNames: [],
  })
  const serverPem = certificate({
    subject: hostnames[0] ?? 'localhost',
    issuer: caName,
    publicKey: server.publicKey,
    signingKey: ca.privateKey,
    authorityKeyId: keyId(caSpki),
    ca: false,
    altNames: hostnames,
  })
  const keyPem = server.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  const paths = {
    caCertPath: join(dir, 'ca.pem'),
    serverKeyPath: join(dir, 'server.key.pem'),
    serverCertPath: join(dir, 'server.chain.pem'),
    serverKeystorePath: join(dir, 'server.keystore.pem'),
  }
  await writeFile(paths.caCertPath, caPem)
  await writeFile(paths.serverKeyPath, keyPem, { mode: 0o600 })
  await writeFile(paths.serverCertPath, serverPem + caPem)
  await writeFile(paths.serverKeystorePath, keyPem + serverPem + caPem, { mode: 0o600 })
  return { ...paths, subjectAltNames: [...hostnames] }
}
