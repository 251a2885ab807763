import { errorChain } from '@gracedb-kafka/core'
import type { Admin, Kafka, PartitionMetadata } from 'kafkajs'

/** How long a topic's partition list is trusted before it is fetched again (librdkafka refreshes every 5 min). */
const METADATA_MAX_AGE_MS = 60_000

/**
 * The producer's view of the broker's topics, through a kafkajs admin client (connected on first use, with the
 * producer's SASL settings): partition lists with their leaders (cached for a minute), topic names, and the
 * broker's error for one topic (missing, not authorised).
 *
 * @example
 * ```ts
 * const metadata = new TopicMetadata(kafka, async (topic) => producer.send({ topic, messages: [] }))
 * const partitions = await metadata.partitions('gracedb-dev.test')
 * ```
 */
export class TopicMetadata {
  readonly #kafka: Kafka
  readonly #autoCreate: ((topic: string) => Promise<unknown>) | undefined
  readonly #cache = new Map<string, { at: number; partitions: PartitionMetadata[] }>()
  #admin: Admin | undefined
  #connecting: Promise<Admin> | undefined

  /**
   * @param autoCreate - asks the broker to create a topic it does not know (when it auto-creates topics);
   *   `undefined` never tries.
   */
  constructor(kafka: Kafka, autoCreate: ((topic: string) => Promise<unknown>) | undefined) {
    this.#kafka = kafka
    this.#autoCreate = autoCreate
  }

  /** The partitions of `topic`, sorted by id (cached for a minute, or fetched again with `refresh`). */
  async partitions(topic: string, refresh = false): Promise<PartitionMetadata[]> {
    const cached = this.#cache.get(topic)
    if (cached && !refresh && Date.now() - cached.at < METADATA_MAX_AGE_MS) return cached.partitions
    const admin = await this.#connect()
    let partitions: PartitionMetadata[]
    try {
      partitions = await fetchPartitions(admin, topic)
    } catch (err) {
      const unknown = errorChain(err).some((e) => e.type === 'UNKNOWN_TOPIC_OR_PARTITION')
      if (!unknown || this.#autoCreate === undefined) throw err
      await this.#autoCreate(topic)
      partitions = await fetchPartitions(admin, topic)
    }
    this.#cache.set(topic, { at: Date.now(), partitions })
    return partitions
  }

  /** Forget a topic's cached partitions (after a send to it failed). */
  invalidate(topic: string): void {
    this.#cache.delete(topic)
  }

  /** Every topic the broker lets this client see. */
  async topicNames(): Promise<string[]> {
    const admin = await this.#connect()
    return admin.listTopics()
  }

  /**
   * The broker's error for `topic` (a kafkajs protocol error such as `UNKNOWN_TOPIC_OR_PARTITION` or
   * `TOPIC_AUTHORIZATION_FAILED`), `undefined` when the topic is there. Other failures (unreachable broker)
   * are thrown.
   */
  async topicError(topic: string): Promise<unknown> {
    const admin = await this.#connect()
    try {
      await admin.fetchTopicMetadata({ topics: [topic] })
      return undefined
    } catch (err) {
      const topical = errorChain(err).some(
        (e) => e.type === 'UNKNOWN_TOPIC_OR_PARTITION' || e.type === 'TOPIC_AUTHORIZATION_FAILED',
      )
      if (topical) return err
      throw err
    }
  }

  /** Disconnect the admin client. */
  async close(): Promise<void> {
    const admin = this.#admin
    this.#admin = undefined
    await admin?.disconnect().catch(() => {})
  }

  async #connect(): Promise<Admin> {
    if (this.#admin) return this.#admin
    this.#connecting ??= (async () => {
      const admin = this.#kafka.admin()
      try {
        await admin.connect()
      } catch (err) {
        await admin.disconnect().catch(() => {})
        throw err
      }
      this.#admin = admin
      return admin
    })().finally(() => {
      this.#connecting = undefined
    })
    return this.#connecting
  }
}

async function fetchPartitions(admin: Admin, topic: string): Promise<PartitionMetadata[]> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] })
  const partitions = topics.find((t) => t.name === topic)?.partitions ?? []
  if (partitions.length === 0) {
    throw Object.assign(new Error(`No partition metadata for ${topic}`), {
      name: 'KafkaJSMetadataNotLoaded',
      retriable: true,
    })
  }
  return [...partitions].sort((a, b) => a.partitionId - b.partitionId)
}
