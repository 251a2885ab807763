import type { CompressionTypes, Kafka, Message } from 'kafkajs'

/**
 * The only file that reaches into kafkajs internals for the pipelined send path. kafkajs is pinned at 2.2.4,
 * where `Kafka` keeps its cluster factory under the symbol `private:Kafka:createCluster` and the cluster and
 * broker objects have the calls typed below (cluster/index.js, cluster/brokerPool.js, broker/index.js). The
 * consumer (stale-member.ts) and the testkit (coordinatorOf) reach the same factory the same way.
 */

/** A kafkajs broker connection (broker/index.js), with the two calls the send path uses. */
export interface InternalBroker {
  readonly nodeId: number
  initProducerId(req: { transactionTimeout: number }): Promise<{ producerId: number; producerEpoch: number }>
  produce(req: {
    producerId: number
    producerEpoch: number
    acks: -1 | 1
    timeout: number
    compression: CompressionTypes
    topicData: Array<{
      topic: string
      partitions: Array<{ partition: number; firstSequence: number; messages: Message[] }>
    }>
  }): Promise<ProduceResponse>
}

/** The decoded Produce response (v3+): kafkajs throws on the first partition error code. */
export interface ProduceResponse {
  topics: Array<{
    topicName: string
    partitions: Array<{ partition: number; errorCode: number; baseOffset: string; logAppendTime: string }>
  }>
}

/** kafkajs's cluster (cluster/index.js): metadata, leaders, broker connections. */
export interface InternalCluster {
  connect(): Promise<void>
  disconnect(): Promise<void>
  isConnected(): boolean
  refreshMetadata(): Promise<void>
  refreshMetadataIfNecessary(): Promise<void>
  addTargetTopic(topic: string): Promise<void>
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>
  findBroker(req: { nodeId: string }): Promise<InternalBroker>
  findControllerBroker(): Promise<InternalBroker>
  removeBroker(req: { host: string; port: number }): void
}

type ClusterFactory = (options: {
  allowAutoTopicCreation: boolean
  maxInFlightRequests: number | null
}) => InternalCluster

/**
 * A new kafkajs cluster of `kafka` (same brokers, TLS, SASL, timeouts and logs), not connected yet. Throws when
 * this kafkajs has no cluster factory (another version than the pinned 2.2.4).
 *
 * @example
 * ```ts
 * const cluster = createInternalCluster(kafka)
 * await cluster.connect()
 * ```
 */
export function createInternalCluster(kafka: Kafka): InternalCluster {
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster')
  const factory = key === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[key]
  if (typeof factory !== 'function') {
    throw new Error('kafkajs has no internal cluster factory (the producer needs kafkajs 2.2.4)')
  }
  // Not auto-creating: the sender resolved the topic's partitions before any record reaches a lane.
  return (factory as ClusterFactory)({ allowAutoTopicCreation: false, maxInFlightRequests: null })
}
