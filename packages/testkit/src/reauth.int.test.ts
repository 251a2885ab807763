import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type KafkaTestCluster, startKafka } from './cluster.js'
import { saslClient } from './fixtures/clients.js'
import { sharedKafka } from './vitest.js'

/** Send one message every 250 ms for `ms` on one producer; returns how often the token provider ran. */
async function produceLoop(
  kafka: { bootstrapServers: string; caCertPath: string; issuer: { mint(): Promise<string> } },
  topic: string,
  ms: number,
): Promise<{ sent: number; tokenRequests: number }> {
  let tokenRequests = 0
  // kafkajs re-authenticates once a session has less than `reauthenticationThreshold` (default 10 s) left; the
  // broker refuses re-authentication more often than once a second. 1 s here suits the 3 s session.
  const client = saslClient(
    kafka,
    async () => {
      tokenRequests++
      return kafka.issuer.mint()
    },
    { reauthenticationThreshold: 1_000 },
  )
  const producer = client.producer({ allowAutoTopicCreation: false })
  await producer.connect()
  let sent = 0
  try {
    const until = Date.now() + ms
    while (Date.now() < until) {
      await producer.send({ topic, acks: -1, messages: [{ value: `m${sent}` }] })
      sent++
      await sleep(250)
    }
  } finally {
    await producer.disconnect()
  }
  return { sent, tokenRequests }
}

describe('connections.max.reauth.ms (reauthMs)', () => {
  let kafka: KafkaTestCluster
  beforeAll(async () => {
    kafka = await startKafka({ reauthMs: 3_000, log: () => {} })
    await kafka.createTopic('reauth')
  })
  afterAll(async () => {
    await kafka?.stop()
  })

  it('a produce loop across several re-authentication intervals keeps working, re-authenticating each time', async () => {
    const forced = await produceLoop(kafka, 'reauth', 7_000)
    expect(forced.sent).toBeGreaterThanOrEqual(18)
    // Initial authentication of the bootstrap + leader connections, then fresh tokens on re-authentication.
    expect(forced.tokenRequests).toBeGreaterThanOrEqual(4)

    // Without reauthMs the broker gives sessions no lifetime: the same loop authenticates once per connection.
    const shared = await sharedKafka()
    await shared.createTopic('testkit-no-reauth')
    const unforced = await produceLoop(shared, 'testkit-no-reauth', 3_000)
    expect(unforced.sent).toBeGreaterThanOrEqual(8)
    expect(unforced.tokenRequests).toBeLessThanOrEqual(3)
    expect(forced.tokenRequests).toBeGreaterThan(unforced.tokenRequests)
  })
})
