// Test-only helpers for the integration tests (not part of the published package).
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { plaintextKafka } from '@gracedb-kafka/testkit'
import type kafkajs from 'kafkajs'
import type { ConsumerOptionsInput } from '../options.js'

/** What the helpers need from a testkit cluster (shared or own). */
export interface ClusterLike {
  bootstrapServers: string
  plaintextBootstrapServers: string
  caCertPath: string
  issuer: {
    mint(claims?: Record<string, unknown>, opts?: { lifetime?: number }): Promise<string>
    writeTokenFile(token: string, path?: string): Promise<string>
  }
  createTopic(name: string, opts?: { partitions?: number }): Promise<void>
}

/** A short unique suffix for topic, instance and group names. */
export function uniq(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
}

/** A fresh instance name and its namespaced topic for `pipeline` (`<instance>.<pipeline>`), created with `partitions`. */
export async function freshTopic(
  kafka: ClusterLike,
  pipeline = 'test',
  partitions = 1,
): Promise<{ instance: string; topic: string }> {
  const instance = `ci${uniq()}`
  const topic = `${instance}.${pipeline}`
  await kafka.createTopic(topic, { partitions })
  return { instance, topic }
}

/** Point token discovery of this process at a fresh token file; returns its path. */
export async function useToken(
  kafka: ClusterLike,
  opts: { lifetime?: number; claims?: Record<string, unknown> } = {},
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gk-consumer-'))
  const token = await kafka.issuer.mint(opts.claims, { lifetime: opts.lifetime ?? 3600 })
  const path = await kafka.issuer.writeTokenFile(token, join(dir, 'token'))
  process.env.BEARER_TOKEN_FILE = path
  return path
}

/** Consumer options for the testkit broker over SASL_SSL. */
export function consumerOptions(
  kafka: ClusterLike,
  instanceName: string,
  extra: Partial<ConsumerOptionsInput> = {},
): ConsumerOptionsInput {
  return { bootstrapServers: kafka.bootstrapServers, instanceName, caCertPath: kafka.caCertPath, ...extra }
}

/** A kafkajs client on the cluster's PLAINTEXT listener (no token), for producing and inspecting in tests. */
export function plaintextClient(kafka: ClusterLike): kafkajs.Kafka {
  return plaintextKafka(kafka.plaintextBootstrapServers.split(','), {
    clientId: 'consumer-int-test',
    patient: true,
  })
}

/**
 * Produce messages over PLAINTEXT with kafkajs directly (the producer package is not a dependency), each exactly
 * once. The producer is idempotent: right after a topic is created the broker may answer a produce request with
 * NOT_LEADER_OR_FOLLOWER for some partitions while it wrote the others, and kafkajs retries the whole request; a
 * plain producer then writes those other partitions' messages twice (seen as hundreds of extra records).
 */
export async function produce(kafka: ClusterLike, topic: string, messages: kafkajs.Message[]): Promise<void> {
  const producer = plaintextClient(kafka).producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  try {
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({ topic, messages: messages.slice(i, i + 500) })
    }
  } finally {
    await producer.disconnect()
  }
}

/** `n` JSON messages `{ n: i }` (keys `k<i>`), starting at `from`. */
export function jsonMessages(n: number, from = 0): kafkajs.Message[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `k${from + i}`,
    value: JSON.stringify({ n: from + i }),
  }))
}

/** The group's committed offsets for `topic`, by partition (-1 = none). */
export async function committedOffsets(
  kafka: ClusterLike,
  groupId: string,
  topic: string,
): Promise<Map<number, number>> {
  const admin = plaintextClient(kafka).admin()
  await admin.connect()
  try {
    const [res] = await admin.fetchOffsets({ groupId, topics: [topic] })
    return new Map((res?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]))
  } finally {
    await admin.disconnect()
  }
}

/** Sum of the committed offsets over all partitions (-1 counts as 0). */
export function totalCommitted(offsets: Map<number, number>): number {
  let sum = 0
  for (const v of offsets.values()) sum += Math.max(0, v)
  return sum
}

/** How many records `topic` holds: the sum of its partitions' high watermarks. */
export async function recordCount(kafka: ClusterLike, topic: string): Promise<number> {
  const admin = plaintextClient(kafka).admin()
  await admin.connect()
  try {
    const offsets = await admin.fetchTopicOffsets(topic)
    return offsets.reduce((sum, p) => sum + Number(p.high), 0)
  } finally {
    await admin.disconnect()
  }
}
