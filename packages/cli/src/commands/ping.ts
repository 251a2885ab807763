import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { deriveInstanceName, formatBrokerList, makeTopicName } from '@gracedb-kafka/topics'
import type { Output } from '../output.js'
import { connectionOptions, type ResolvedConnection, singleTopic } from '../settings.js'

/**
 * `gracedb-kafka ping`: produce the reference's ping message and print the delivery.
 *
 * @example
 * ```ts
 * await ping(out, connection, { topic: 'test', timeout: 10 })
 * ```
 */
export async function ping(
  out: Output,
  connection: ResolvedConnection,
  opts: { topic?: string | undefined; timeout: number },
): Promise<void> {
  // Validate first, then act: a bad topic is a usage error before any token lookup or connection.
  const topic = singleTopic(opts.topic, connection.urlTopics, 'ping')
  if (topic !== undefined) {
    makeTopicName(connection.instanceName ?? deriveInstanceName(connection.serviceUrl ?? ''), topic)
  }
  out.progress(`pinging ${formatBrokerList(connection.bootstrapServers)} ...`)
  await using producer = new GraceDbKafkaProducer({ ...connectionOptions(connection), reloadCred: false })
  const result = await producer.ping({ ...(topic === undefined ? {} : { topic }), timeout: opts.timeout })
  out.data(result, (r) => `delivered ping to ${r.topic} [partition ${r.partition}] at offset ${r.offset}`)
}
