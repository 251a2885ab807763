import { type ConsumerMessage, GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import { UsageError } from '../errors.js'
import type { Output } from '../output.js'
import { connectionOptions, type ResolvedConnection, topicList } from '../settings.js'

/** Options of `gracedb-kafka consume`. */
export interface ConsumeFlags {
  topics?: string | undefined
  groupId?: string | undefined
  fromBeginning?: boolean | undefined
  count?: number | undefined
  manualCommit?: boolean | undefined
  timeout: number
}

const bytesToText = (v: unknown): unknown => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v)

/** A consumer message as one JSON-serialisable object (bytes become UTF-8 text). */
export function messageToJson(m: ConsumerMessage): Record<string, unknown> {
  const headers: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = bytesToText(v)
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    key: bytesToText(m.key),
    value: bytesToText(m.value),
    timestamp: m.timestamp,
    headers,
  }
}

/**
 * `gracedb-kafka consume`: write one JSON line per message to stdout until `--count` messages, or Ctrl-C
 * (SIGINT/SIGTERM end the stream cleanly and commit what was written).
 *
 * @example
 * ```ts
 * await consume(out, connection, { topics: 'test', fromBeginning: true, count: 10, timeout: 1 })
 * ```
 */
export async function consume(
  out: Output,
  connection: ResolvedConnection,
  flags: ConsumeFlags,
): Promise<void> {
  const topics = topicList(flags.topics, connection.urlTopics)
  if (topics.length === 0)
    throw new UsageError('no topics: pass --topics a,b (or a kafka:// URL with topics)')
  if (flags.count !== undefined && (!Number.isInteger(flags.count) || flags.count < 1)) {
    throw new UsageError('--count expects a positive whole number')
  }
  await using consumer = new GraceDbKafkaConsumer({
    ...connectionOptions(connection),
    topics,
    reloadCred: true,
    ...(flags.groupId === undefined ? {} : { groupId: flags.groupId }),
    autoOffsetReset: flags.fromBeginning === true ? 'earliest' : 'latest',
    autoCommit: flags.manualCommit !== true,
  })
  out.progress(`consuming ${topics.join(', ')} (Ctrl-C to stop) ...`)
  let n = 0
  for await (const message of consumer.stream({
    timeout: flags.timeout,
    ...(flags.count === undefined ? {} : { count: flags.count }),
  })) {
    out.streams.stdout.write(`${JSON.stringify(messageToJson(message))}\n`)
    if (flags.manualCommit === true) await consumer.commit(message)
    n++
  }
  out.progress(`consumed ${n} message(s)`)
}
