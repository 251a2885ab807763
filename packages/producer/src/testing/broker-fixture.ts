// The set-up shared by producer.int.test.ts and producer-failures.int.test.ts: the shared testkit broker, a token
// found through BEARER_TOKEN_FILE, and a producer on a topic namespace of its own per test.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import { afterAll, beforeAll } from 'vitest'
import { GraceDbKafkaProducer } from '../producer.js'

export let kafka: SharedKafka
/** A scratch directory for token files, removed after the test file. */
export let dir: string
const savedEnv = { ...process.env }

/** A unique instance name per test, so every test writes to its own topics. */
export const uniqueInstance = (): string => `it-${randomBytes(4).toString('hex')}`

/** A producer for the shared broker, in a fresh instance namespace, with `extra` options on top. */
export function producer(extra: Record<string, unknown> = {}): GraceDbKafkaProducer {
  return new GraceDbKafkaProducer({
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    instanceName: uniqueInstance(),
    ...extra,
  })
}

/** Register the hooks that start (or join) the shared broker and write the token, for the calling test file. */
export function useProducerBroker(): void {
  beforeAll(async () => {
    kafka = await sharedKafka()
    dir = mkdtempSync(join(tmpdir(), 'producer-int-'))
    process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(
      await kafka.issuer.mint({ sub: 'producer-int' }),
      join(dir, 'token'),
    )
  })

  afterAll(() => {
    process.env = savedEnv
    rmSync(dir, { recursive: true, force: true })
  })
}
