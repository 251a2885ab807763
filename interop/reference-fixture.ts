// The fixture of the reference-suite scenarios ported to our API (reference-scenarios*.int.test.ts): the
// suite's environment (our own instance's `test` topic, created explicitly, and a token with only
// `gracedb.read` found through BEARER_TOKEN_FILE), and its helpers `make_producer`, `_event` and a rejection
// catcher. `useReferenceScenarios()` registers the hooks in the calling test file and fills in `kafka`.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GraceDbKafkaProducer, type ProducerOptionsInput } from '@gracedb-kafka/producer'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import { deriveInstanceName, makeTopicName } from '@gracedb-kafka/topics'
import { afterAll, afterEach, beforeAll } from 'vitest'

/** Our own instance (`gracedb-refsuite-ts`): only the reference-scenarios files create its topics. */
export const SERVICE_URL = 'https://gracedb-refsuite-ts.invalid/api/'
export const INSTANCE: string = deriveInstanceName(SERVICE_URL)
export const PIPELINE = 'test' // the suite's KAFKA_TOPIC default
export const SCOPE = 'gracedb.read' // the suite's KAFKA_SCOPE default, and the only scope the token carries
export const MISSING = 'non-existent-topic-12345'

export let kafka: SharedKafka
let dir: string
const savedEnv = { ...process.env }
/** The producers `makeProducer` made in the current test. */
const made: GraceDbKafkaProducer[] = []

/**
 * The suite's set-up for this test file, and its `make_producer` fixture's clean-up: every producer made in a
 * test is closed (errors ignored) after it.
 */
export function useReferenceScenarios(): void {
  beforeAll(async () => {
    kafka = await sharedKafka()
    dir = await mkdtemp(join(tmpdir(), 'gracedb-kafka-refscen-'))
    await kafka.createTopic(makeTopicName(INSTANCE, PIPELINE))
    const token = await kafka.issuer.mint({ scope: SCOPE }) // what htgettoken gives a pipeline
    for (const name of ['SCITOKEN', 'SCITOKEN_FILE', 'BEARER_TOKEN', '_CONDOR_CREDS'])
      delete process.env[name]
    process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(token, join(dir, 'token'))
    process.env.XDG_RUNTIME_DIR = dir
  })

  afterAll(async () => {
    process.env = savedEnv
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  afterEach(async () => {
    await Promise.all(made.splice(0).map((p) => p.close(5).catch(() => {})))
  })
}

export function options(overrides: Partial<ProducerOptionsInput> = {}): ProducerOptionsInput {
  return {
    bootstrapServers: kafka.bootstrapServers,
    topic: PIPELINE,
    instanceName: INSTANCE,
    caCertPath: kafka.caCertPath,
    tokenScope: SCOPE,
    ...overrides,
  } as ProducerOptionsInput
}

/** Close `producer` after the current test, as the suite's fixture does with what it made. */
export function closeAfterTest(producer: GraceDbKafkaProducer): void {
  made.push(producer)
}

/** Construct and connect (the Python constructor's checks), as `make_producer(**overrides)`. */
export async function makeProducer(
  overrides: Partial<ProducerOptionsInput> = {},
): Promise<GraceDbKafkaProducer> {
  const producer = new GraceDbKafkaProducer(options(overrides))
  made.push(producer)
  await producer.connect()
  return producer
}

/** The suite's `_event(graceid, **extra)`. */
export function event(graceid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    graceid,
    group: 'Test',
    pipeline: 'integration-test',
    created: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...extra,
  }
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a rejection, but it resolved')
}
