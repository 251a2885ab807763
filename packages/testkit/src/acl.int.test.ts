import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type KafkaTestCluster, startKafka } from './cluster.js'
import { consume, produce, saslClient } from './fixtures/clients.js'

/** True when kafkajs reports TOPIC_AUTHORIZATION_FAILED anywhere in the error's cause chain. */
function deniedOnTopic(err: unknown): boolean {
  for (let e = err as { type?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.type === 'TOPIC_AUTHORIZATION_FAILED') return true
  }
  return false
}

describe('ACLs (StandardAuthorizer) by token subject', () => {
  let kafka: KafkaTestCluster
  beforeAll(async () => {
    kafka = await startKafka({
      log: () => {},
      acls: [
        { subject: 'alice', name: 'alerts.', prefixed: true, operations: ['write', 'read', 'describe'] },
        { subject: 'alice', resource: 'group', name: 'testkit-', prefixed: true, operations: ['read'] },
        { subject: 'bob', name: 'alerts.public', operations: ['read', 'describe'] },
        { subject: 'bob', resource: 'group', name: 'testkit-', prefixed: true, operations: ['read'] },
      ],
    })
    await kafka.createTopic('alerts.public')
    await kafka.createTopic('secrets')
  })
  afterAll(async () => {
    await kafka?.stop()
  })

  it('lets a subject do what its rules allow', async () => {
    const alice = saslClient(kafka, await kafka.issuer.mint({ sub: 'alice' }))
    await produce(alice, 'alerts.public', ['from alice'])
    const bob = saslClient(kafka, await kafka.issuer.mint({ sub: 'bob' }))
    expect(await consume(bob, 'alerts.public', 1)).toEqual(['from alice'])
  })

  it('denies a subject without write permission on the topic', async () => {
    const bob = saslClient(kafka, await kafka.issuer.mint({ sub: 'bob' }), { retries: 0 })
    await expect(produce(bob, 'alerts.public', ['from bob'])).rejects.toSatisfy(deniedOnTopic)
  })

  it('denies every operation on a topic outside the rules, and a subject with no rules at all', async () => {
    const alice = saslClient(kafka, await kafka.issuer.mint({ sub: 'alice' }), { retries: 0 })
    await expect(produce(alice, 'secrets', ['x'])).rejects.toSatisfy(deniedOnTopic)
    const mallory = saslClient(kafka, await kafka.issuer.mint({ sub: 'mallory' }), { retries: 0 })
    await expect(produce(mallory, 'alerts.public', ['x'])).rejects.toSatisfy(deniedOnTopic)
  })

  it('applies rules added later with addAcls as soon as it resolves, on a cluster that already has rules', async () => {
    // The cluster already holds the 7 entries from startKafka; addAcls must wait for carol's own entries.
    await kafka.addAcls([{ subject: 'carol', name: 'secrets', operations: ['write', 'describe'] }])
    // No retries: the write must be allowed on the first attempt, right after addAcls resolved.
    const carol = saslClient(kafka, await kafka.issuer.mint({ sub: 'carol' }), { retries: 0 })
    await produce(carol, 'secrets', ['carol was here'])
    const alice = saslClient(kafka, await kafka.issuer.mint({ sub: 'alice' }), { retries: 0 })
    await expect(produce(alice, 'secrets', ['x'])).rejects.toSatisfy(deniedOnTopic)
  })
})
