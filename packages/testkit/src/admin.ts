import { fixRequestQueueScheduling } from '@gracedb-kafka/core'
import type { Admin, Kafka } from 'kafkajs'
import kafkajs from 'kafkajs'

/** Settings of {@link plaintextKafka} beyond the broker list. */
export interface PlaintextKafkaOptions {
  /** kafkajs `clientId`; default `gracedb-kafka-testkit`. */
  clientId?: string
  /** kafkajs retries of each request; default 2 (admin set-up retries on its own). */
  retries?: number
  /** Use kafkajs's own timeouts and retry back-off (30 s requests, up to 30 s between retries): for consumers. */
  patient?: boolean
}

/**
 * The one kafkajs client testkit builds for its PLAINTEXT listener (no TLS, no SASL; the broker's super
 * user): topic set-up, ACLs, read-backs, the stand-in's supervisor. Silent (kafkajs logs nothing).
 *
 * @example
 * ```ts
 * const admin = plaintextKafka(kafka.plaintextBootstrapServers.split(',')).admin()
 * ```
 */
export function plaintextKafka(brokers: string[], opts: PlaintextKafkaOptions = {}): Kafka {
  // kafkajs#1704/#1751: without it, each idle connection re-checks its queue every 1 ms (a 1 kHz timer in the
  // stand-in's and the tests' processes) and Node 24 prints a TimeoutNegativeWarning.
  fixRequestQueueScheduling(import.meta.url)
  return new kafkajs.Kafka({
    clientId: opts.clientId ?? 'gracedb-kafka-testkit',
    brokers,
    logLevel: kafkajs.logLevel.NOTHING,
    connectionTimeout: 2_000,
    ...(opts.patient
      ? { retry: { retries: opts.retries ?? 5 } }
      : {
          requestTimeout: 10_000,
          retry: { retries: opts.retries ?? 2, initialRetryTime: 100, maxRetryTime: 1_000 },
        }),
  })
}

/**
 * Connect a PLAINTEXT admin to `brokers`, run `fn`, disconnect.
 *
 * @example
 * ```ts
 * const topics = await withAdmin(['localhost:9092'], (admin) => admin.listTopics())
 * ```
 */
export async function withAdmin<T>(brokers: string[], fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = plaintextKafka(brokers).admin()
  await admin.connect()
  try {
    return await fn(admin)
  } finally {
    await admin.disconnect().catch(() => {})
  }
}

/**
 * The node id of the current leader of `topic`'s `partition`, as the controller's metadata says, or
 * undefined while the partition has no leader (an election in progress).
 *
 * @example
 * ```ts
 * const nodeId = await withAdmin(brokers, (admin) => partitionLeader(admin, 'alerts', 0))
 * ```
 */
export async function partitionLeader(
  admin: Admin,
  topic: string,
  partition: number,
): Promise<number | undefined> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] })
  const meta = topics[0]?.partitions.find((p) => p.partitionId === partition)
  if (!meta) throw new Error(`testkit: topic ${topic} has no partition ${partition}`)
  return meta.leader >= 0 ? meta.leader : undefined
}

interface CoordinatorCluster {
  connect(): Promise<void>
  disconnect(): Promise<void>
  refreshMetadata(): Promise<void>
  findGroupCoordinatorMetadata(req: { groupId: string }): Promise<{ coordinator: { nodeId: number } }>
}

/**
 * The node id of `groupId`'s group coordinator, asked of the brokers with a FindCoordinator request (what
 * a consumer does before joining). kafkajs has no public call for it, so this uses the cluster object its
 * `Kafka` builds internally (kafkajs is pinned at 2.2.4).
 *
 * @example
 * ```ts
 * const nodeId = await groupCoordinator(['localhost:9092'], 'my-group')
 * ```
 */
export async function groupCoordinator(brokers: string[], groupId: string): Promise<number> {
  const kafka = plaintextKafka(brokers, { retries: 5 })
  const create = Object.getOwnPropertySymbols(kafka).find(
    (s) => s.description === 'private:Kafka:createCluster',
  )
  if (!create) throw new Error('testkit: this kafkajs has no internal cluster factory')
  const factory = (kafka as unknown as Record<symbol, (o: object) => CoordinatorCluster>)[create]!
  const cluster = factory({})
  await cluster.connect()
  try {
    await cluster.refreshMetadata()
    const { coordinator } = await cluster.findGroupCoordinatorMetadata({ groupId })
    return coordinator.nodeId
  } finally {
    await cluster.disconnect().catch(() => {})
  }
}
