// The set-up the producer's integration test files share: the shared testkit broker, a token found through
// BEARER_TOKEN_FILE, and a producer on a topic namespace of its own per test.
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
let prefix = 'it'

/** A unique instance name per test (`<prefix>-<8 hex>`), so every test writes to its own topics. */
export const uniqueInstance = (): string => `${prefix}-${randomBytes(4).toString('hex')}`

/** A producer for the shared broker, in a fresh instance namespace, with `extra` options on top. */
export function producer(extra: Record<string, unknown> = {}): GraceDbKafkaProducer {
  return new GraceDbKafkaProducer({
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    instanceName: uniqueInstance(),
    ...extra,
  })
}

/**
 * Register the hooks that start (or join) the shared broker and write the token, for the calling test file.
 *
 * @param sub - the token's subject (what `ping()` reports), also the scratch directory's name.
 * @param instancePrefix - the start of every {@link uniqueInstance} name.
 */
export function useProducerBroker(sub: string, instancePrefix: string): void {
  prefix = instancePrefix
  beforeAll(async () => {
    kafka = await sharedKafka()
    dir = mkdtempSync(join(tmpdir(), `${sub}-`))
    process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(
      await kafka.issuer.mint({ sub }),
      join(dir, 'token'),
    )
  })

  afterAll(() => {
    process.env = savedEnv
    if (dir) rmSync(dir, { recursive: true, force: true })
  })
}
