import { createRequire } from 'node:module'
import { type CompressionCodec, fixSeedBrokerRemoval } from '@gracedb-kafka/core'
import type { CompressionTypes, Kafka } from 'kafkajs'
import { adoptEncodedBodies, HEADROOM } from './encoder-adoption.js'
import { encodeProduceRequest } from './produce-request.js'
import type { RecordLike } from './record-batch.js'

const require = createRequire(import.meta.url)
/** kafkajs's Produce request versions (protocol/requests/produce), for its broker's version lookup. */
const produceRequests: unknown = require('kafkajs/src/protocol/requests/produce')
const PRODUCE_API_KEY = 0

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
    codec?: CompressionCodec | undefined
    topicData: Array<{
      topic: string
      partitions: Array<{ partition: number; firstSequence: number; messages: readonly RecordLike[] }>
    }>
  }): Promise<ProduceResponse>
}

/** A Produce request already encoded: sending it writes the bytes, in the order `send` is called. */
export type EncodedProduce = () => Promise<ProduceResponse>

type ProduceArgs = Parameters<InternalBroker['produce']>[0]
type Protocol = { request: { apiVersion: number; encode: () => Promise<unknown> }; response: unknown }

/** kafkajs's Encoder (protocol/encoder.js): request.js takes the body as one (`writeEncoder`: `.buf`, `.buffer`). */
let EncoderClass: { prototype: object } | undefined | null
/** Free bytes left before a Produce request body, for kafkajs's framing (size, request header, client id). */
const BODY_HEADROOM = 256
let headroom = 0
function encoderPrototype(): object | undefined {
  if (EncoderClass === undefined) {
    try {
      EncoderClass = require('kafkajs/src/protocol/encoder') as { prototype: object }
      if (adoptEncodedBodies(EncoderClass)) headroom = BODY_HEADROOM
    } catch {
      EncoderClass = null
    }
  }
  return EncoderClass?.prototype
}

/**
 * The body kafkajs would encode, from our encoder (`produce-request.ts`, byte-equal to kafkajs's v3–v7), as a
 * kafkajs Encoder holding those bytes; `undefined` (encode with kafkajs) for another version or an input our
 * encoder leaves to kafkajs.
 */
async function fastEncode(apiVersion: number, args: ProduceArgs): Promise<unknown> {
  const proto = encoderPrototype()
  if (proto === undefined || !(apiVersion >= 3 && apiVersion <= 7)) return undefined
  const body = await encodeProduceRequest(args, headroom)
  if (body === undefined) return undefined
  // Framed by kafkajs in the room in front of it, without a copy (encoder-adoption.ts).
  return Object.assign(Object.create(proto) as object, {
    buf: body,
    offset: body.length,
    [HEADROOM]: headroom,
  })
}

/**
 * Encode a Produce request for `broker` now (compression included) and return the call that sends it. kafkajs's
 * `broker.produce` encodes inside the send, and encodings finish out of order (zstd runs on the thread pool):
 * pipelined batches of one partition would reach the broker out of sequence. Encoding first, in order, and then
 * sending requests whose encoding is already done keeps the order (every send takes the same path to the socket).
 */
export async function encodeProduce(broker: InternalBroker, args: ProduceArgs): Promise<EncodedProduce> {
  const internal = broker as unknown as {
    lookupRequest?: (apiKey: number, definition: unknown) => (args: ProduceArgs) => Protocol
  } & Record<symbol, (protocol: Protocol) => Promise<ProduceResponse>>
  const proto = Object.getPrototypeOf(broker) as object
  const sendKey = Object.getOwnPropertySymbols(proto).find(
    (s) => s.description === 'private:Broker:sendRequest',
  )
  if (internal.lookupRequest === undefined || sendKey === undefined) {
    return () => broker.produce(args) // not the pinned kafkajs: correct, but without the ordering guarantee
  }
  const protocol = internal.lookupRequest(PRODUCE_API_KEY, produceRequests)(args)
  const payload = (await fastEncode(protocol.request.apiVersion, args)) ?? (await protocol.request.encode())
  const encoded = { ...protocol, request: { ...protocol.request, encode: async () => payload } }
  return () => internal[sendKey]!.call(broker, encoded)
}

/**
 * Whether `broker`'s produce connection is connected and authenticated, so a request sent now goes straight to
 * the socket. A request sent while kafkajs still connects or (re-)authenticates waits on that and can be
 * overtaken by one sent after it: only one request at a time may be in flight then.
 */
export function connectionReady(broker: InternalBroker): boolean {
  const pool = (broker as unknown as { connectionPool?: { pool?: unknown[] } }).connectionPool?.pool
  const produceConnection = pool?.[0] as
    | { isConnected?: () => boolean; isAuthenticated?: () => boolean }
    | undefined
  if (
    typeof produceConnection?.isConnected !== 'function' ||
    typeof produceConnection.isAuthenticated !== 'function'
  ) {
    return false // not the pinned kafkajs: no pipelining
  }
  return produceConnection.isConnected() && produceConnection.isAuthenticated()
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
  metadataMaxAge: number
}) => InternalCluster

/**
 * How long the internal cluster's metadata counts as fresh: kafkajs's own default (`DEFAULT_METADATA_MAX_AGE`,
 * what `kafka.producer()` passes). Its factory has no default: without it the broker pool's age is 0, and every
 * `refreshMetadataIfNecessary()` (each lane's leader lookup, i.e. each message at a low rate) sent a Metadata
 * request before the Produce. A failed send still refreshes at once (`leader(…, refresh)`).
 */
export const METADATA_MAX_AGE_MS = 300_000

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
  fixSeedBrokerRemoval(import.meta.url) // a pool whose last broker was removed keeps its seed broker
  // Not auto-creating: the sender resolved the topic's partitions before any record reaches a lane.
  return (factory as ClusterFactory)({
    allowAutoTopicCreation: false,
    maxInFlightRequests: null,
    metadataMaxAge: METADATA_MAX_AGE_MS,
  })
}
