import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type KafkaTestCluster, startKafka } from './cluster.js'
import { listTopicsWith, saslClient } from './fixtures/clients.js'
import { createTestCertificates } from './tls.js'
import { sharedKafka } from './vitest.js'

describe('TLS on the SASL_SSL listener', () => {
  let otherCaDir: string
  beforeAll(async () => {
    otherCaDir = await mkdtemp(join(tmpdir(), 'testkit-other-ca-'))
  })
  afterAll(async () => {
    await rm(otherCaDir, { recursive: true, force: true })
  })

  it('a client trusting another CA cannot connect', async () => {
    const kafka = await sharedKafka()
    const other = await createTestCertificates(otherCaDir, ['localhost', '127.0.0.1'])
    const token = await kafka.issuer.mint()
    await expect(
      listTopicsWith(saslClient({ ...kafka, caCertPath: other.caCertPath }, token, { retries: 0 })),
    ).rejects.toThrow(/certificate/i)
    // The same token with the right CA works, so the CA is what made the difference.
    expect(await listTopicsWith(saslClient(kafka, token))).toBeInstanceOf(Array)
  })

  describe('with certHostname (certificate for a name clients do not dial)', () => {
    let kafka: KafkaTestCluster
    beforeAll(async () => {
      kafka = await startKafka({ certHostname: 'kafka.testkit.invalid', log: () => {} })
    })
    afterAll(async () => {
      await kafka?.stop()
    })

    it('fails hostname verification by default', async () => {
      const token = await kafka.issuer.mint()
      await expect(listTopicsWith(saslClient(kafka, token, { retries: 0 }))).rejects.toThrow(
        /Hostname\/IP does not match certificate's altnames/,
      )
    })

    it('connects when hostname verification is skipped (checkServerIdentity)', async () => {
      const token = await kafka.issuer.mint()
      const client = saslClient(kafka, token, { ssl: { checkServerIdentity: () => undefined } })
      expect(await listTopicsWith(client)).toBeInstanceOf(Array)
    })
  })
})
