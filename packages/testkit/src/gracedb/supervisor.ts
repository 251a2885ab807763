import { setTimeout as sleep } from 'node:timers/promises'
import { registerZstdCodec } from '@gracedb-kafka/core'
import kafkajs from 'kafkajs'
import { groupCoordinator, plaintextKafka } from '../admin.js'
import { ensureTopics } from '../ensure-topics.js'
import type { SupervisedMessage } from './store.js'

/**
 * What the supervisor does with a decoded upload message; returns the outcome to record, with GraceDB's
 * answer when it refused the upload.
 */
export type UploadHandler = (
  message: Record<string, unknown>,
  topic: string,
) => string | { outcome: string; detail: Record<string, unknown> }

/** A running supervisor. */
export interface Supervisor {
  readonly seen: SupervisedMessage[]
  stop(): Promise<void>
}

/**
 * The stand-in's gracedb-kafka-supervisor: consumes the instance's topics over PLAINTEXT, decodes upload
 * messages (JSON; `eventFile[1]` is base64) and hands them to `handle`, which completes reserved uploads.
 * Resolves once the consumer has joined its group, so nothing produced afterwards is missed.
 */
export async function startSupervisor(opts: {
  brokers: string[]
  topics: string[]
  groupId: string
  handle: UploadHandler
}): Promise<Supervisor> {
  // GraceDB's own supervisor reads the reference producer's zstd batches; so must the stand-in's.
  registerZstdCodec(kafkajs.CompressionCodecs, kafkajs.CompressionTypes)
  const kafka = plaintextKafka(opts.brokers, { clientId: 'gracedb-standin-supervisor', patient: true })
  const admin = kafka.admin()
  await admin.connect()
  try {
    // Other stand-ins on the same broker may be creating the same topics right now.
    await ensureTopics(
      admin,
      opts.topics.map((topic) => ({ topic })),
    )
  } finally {
    await admin.disconnect()
  }
  // On a fresh broker the group coordinator (the __consumer_offsets topic) may not be ready yet, which kafkajs's
  // consumer.run() does not wait out for long: find it first, for up to 60 s.
  await waitForCoordinator(opts.brokers, opts.groupId, 60_000)
  const consumer = kafka.consumer({ groupId: opts.groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 })
  const seen: SupervisedMessage[] = []
  await consumer.connect()
  await consumer.subscribe({ topics: opts.topics, fromBeginning: true })
  // Joining is bounded: a supervisor that cannot join its group fails the start instead of hanging it.
  let joinTimer: NodeJS.Timeout | undefined
  const joined = new Promise<void>((resolve, reject) => {
    consumer.on(consumer.events.GROUP_JOIN, () => resolve())
    consumer.on(consumer.events.CRASH, (e) => {
      if (!e.payload.restart) reject(e.payload.error)
    })
    joinTimer = setTimeout(
      () =>
        reject(new Error(`testkit: the stand-in's supervisor did not join group ${opts.groupId} in 60 s`)),
      60_000,
    )
  })
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      let value: unknown = null
      let result: ReturnType<UploadHandler>
      try {
        value = message.value ? (JSON.parse(message.value.toString('utf8')) as unknown) : null
        result =
          typeof value === 'object' && value !== null && !Array.isArray(value)
            ? opts.handle(value as Record<string, unknown>, topic)
            : 'bad_message'
      } catch {
        result = 'bad_message'
      }
      const graceid = (value as { graceid?: unknown } | null)?.graceid
      seen.push({
        topic,
        partition,
        offset: message.offset,
        graceid: typeof graceid === 'string' ? graceid : null,
        outcome: typeof result === 'string' ? result : result.outcome,
        detail: typeof result === 'string' ? null : result.detail,
        value,
      })
    },
  })
  try {
    await joined
  } catch (err) {
    await consumer.disconnect().catch(() => undefined)
    throw err
  } finally {
    clearTimeout(joinTimer)
  }
  let stopped = false
  return {
    seen,
    async stop() {
      if (stopped) return
      stopped = true
      await consumer.disconnect().catch(() => undefined)
    },
  }
}

async function waitForCoordinator(brokers: string[], groupId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await groupCoordinator(brokers, groupId)
      return
    } catch (err) {
      if (Date.now() > deadline) throw err
      await sleep(250)
    }
  }
}
