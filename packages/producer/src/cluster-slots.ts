import type { Kafka } from 'kafkajs'
import type { InternalBroker, InternalCluster } from './kafkajs-cluster.js'

/**
 * Connections to each broker the partitions' batches are spread over: partition `p` always uses slot
 * `p % CONNECTIONS`, so one partition's requests stay in order on one connection. A broker handles the requests of
 * one connection one at a time: with a single connection, the batches of every partition wait in one line while
 * the broker decompresses and appends each. Three producers, one per partition of a 3-partition topic, wrote
 * 100k 1 KiB zstd messages at a median 84,255 msg/s against 73,228 for one producer (6 paired rounds, one testkit
 * broker). Slots connect only when a partition needs them: a producer writing one partition keeps one connection.
 */
export const CONNECTIONS = 3

/**
 * The pipelined send path's kafkajs clusters, one per connection slot (each with its own connections and
 * metadata), created on first use. A cluster whose internal state broke (a `TypeError` or `RangeError` from
 * kafkajs, e.g. a broker pool left without a seed broker) is dropped and disconnected, and the failure is
 * reported as retriable: the next use of its slot gets a new cluster.
 *
 * @example
 * ```ts
 * const slots = new ClusterSlots(kafka, createInternalCluster)
 * const cluster = await slots.connected(ClusterSlots.slotOf(2))
 * ```
 */
export class ClusterSlots {
  readonly #kafka: Kafka
  readonly #create: (kafka: Kafka) => InternalCluster
  readonly #clusters: (InternalCluster | undefined)[] = []
  /** The cluster each broker object came from (to drop a closed broker from the right pool). */
  readonly #clusterOf = new WeakMap<InternalBroker, InternalCluster>()

  constructor(kafka: Kafka, create: (kafka: Kafka) => InternalCluster) {
    this.#kafka = kafka
    this.#create = create
  }

  /** The slot of a partition's requests. */
  static slotOf(partition: number): number {
    return partition % CONNECTIONS
  }

  /** Whether the slot's cluster exists and is connected. */
  isConnected(slot: number): boolean {
    return this.#clusters[slot]?.isConnected() === true
  }

  /** The slot's cluster, connected and with its metadata fresh. */
  async connected(slot: number): Promise<InternalCluster> {
    const cluster = this.#clusters[slot] ?? this.#create(this.#kafka)
    this.#clusters[slot] = cluster
    return this.guard(slot, cluster, async () => {
      if (!cluster.isConnected()) await cluster.connect()
      await cluster.refreshMetadataIfNecessary()
      return cluster
    })
  }

  /** Remember that `broker` belongs to `cluster` (see {@link ClusterSlots.removeBroker}). */
  adopt(broker: InternalBroker, cluster: InternalCluster): InternalBroker {
    this.#clusterOf.set(broker, cluster)
    return broker
  }

  /** Drop a broker whose connection closed from the pool of the cluster it came from. */
  removeBroker(broker: InternalBroker, address: { host: string; port: number }): void {
    this.#clusterOf.get(broker)?.removeBroker(address)
  }

  /** Run `call` on the slot's `cluster`; a broken cluster is dropped and the failure made retriable. */
  async guard<T>(slot: number, cluster: InternalCluster, call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (err) {
      if (!(err instanceof TypeError || err instanceof RangeError)) throw err
      if (this.#clusters[slot] === cluster) this.#clusters[slot] = undefined
      void cluster.disconnect().catch(() => {})
      throw Object.assign(new Error(`kafkajs's cluster state broke (${err.message}): reconnecting`), {
        name: 'GraceDbKafkaClusterReset',
        retriable: true,
        cause: err,
      })
    }
  }

  /** Drop every connection (the clusters stay, and connect again on next use). */
  async disconnect(): Promise<void> {
    await disconnectAll(this.#clusters)
  }

  /** Disconnect and forget every cluster. */
  async close(): Promise<void> {
    await disconnectAll(this.#clusters.splice(0))
  }
}

async function disconnectAll(clusters: readonly (InternalCluster | undefined)[]): Promise<void> {
  await Promise.all(clusters.map((c) => c?.disconnect().catch(() => {})))
}
