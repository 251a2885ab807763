/** kafkajs consumer settings (a structural subset of kafkajs's `ConsumerConfig`). */
export interface KafkaConsumerSettings {
  sessionTimeout?: number
  rebalanceTimeout?: number
  heartbeatInterval?: number
  metadataMaxAge?: number
  allowAutoTopicCreation?: boolean
  maxBytesPerPartition?: number
  minBytes?: number
  maxBytes?: number
  maxWaitTimeInMs?: number
  maxInFlightRequests?: number
  readUncommitted?: boolean
  rackId?: string
  retry?: Record<string, unknown>
  partitionAssigners?: unknown[]
}
const CONSUMER_KEYS: ReadonlySet<string> = new Set<keyof KafkaConsumerSettings>([
  'sessionTimeout',
  'rebalanceTimeout',
  'heartbeatInterval',
  'metadataMaxAge',
  'allowAutoTopicCreation',
  'maxBytesPerPartition',
  'minBytes',
  'maxBytes',
  'maxWaitTimeInMs',
  'maxInFlightRequests',
  'readUncommitted',
  'rackId',
  'retry',
  'partitionAssigners',
])

const PREFIX = 'consumer.'

/**
 * Where the consumer's kafkajs settings go: the librdkafka keys core's table maps to `consumer.<name>`, and the
 * kafkajs consumer option names given as they are, into the kafkajs consumer config; every other kafkajs key
 * into the kafkajs client config (`logLevel`, `retry`, ...).
 *
 * @param settings - what `readLibrdkafkaKeys(kafkaConfig, 'consumer', ...)` converted.
 * @param kafkajs - the keys without a dot, as given.
 * @example
 * ```ts
 * splitKafkajsKeys({ 'consumer.sessionTimeout': 10_000 }, { maxBytes: 1024, logLevel: 1 })
 * // { consumer: { sessionTimeout: 10000, maxBytes: 1024 }, client: { logLevel: 1 } }
 * ```
 */
export function splitKafkajsKeys(
  settings: Readonly<Record<string, unknown>>,
  kafkajs: Readonly<Record<string, unknown>>,
): { consumer: KafkaConsumerSettings; client: Record<string, unknown> } {
  const consumer: Record<string, unknown> = {}
  const client: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(settings)) {
    if (key.startsWith(PREFIX)) consumer[key.slice(PREFIX.length)] = value
  }
  for (const [key, value] of Object.entries(kafkajs)) {
    if (CONSUMER_KEYS.has(key)) consumer[key] = value
    else client[key] = value
  }
  return { consumer: consumer as KafkaConsumerSettings, client }
}
