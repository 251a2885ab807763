import { type DeliveryReport, GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { UsageError } from '../errors.js'
import type { Output } from '../output.js'
import { connectionOptions, type ResolvedConnection, singleTopic } from '../settings.js'
import { jsonLines } from './stdin.js'

/** Options of `gracedb-kafka produce`. */
export interface ProduceFlags {
  topic?: string | undefined
  key?: string | undefined
  header: string[]
}

/** Parse repeated `--header k=v` flags. */
export function parseHeaders(pairs: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`--header expects key=value, got "${pair}"`)
    headers[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return headers
}

/** A value given as an argument: JSON when it parses as a JSON object or array, else the string itself. */
export function argumentValue(text: string): object | string {
  const t = text.trim()
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(t) as object
    } catch {
      throw new UsageError(`value looks like JSON but does not parse: ${t.slice(0, 60)}`)
    }
  }
  return text
}

/**
 * `gracedb-kafka produce [VALUE...]`: produce values from the arguments, or JSON lines from stdin, then flush
 * and print a delivery summary (one JSON line per delivery with `--json`).
 *
 * @example
 * ```ts
 * await produce(out, connection, ['{"graceid":"G1"}'], { topic: 'test', header: [] })
 * ```
 */
export async function produce(
  out: Output,
  connection: ResolvedConnection,
  values: readonly string[],
  flags: ProduceFlags,
): Promise<void> {
  const topic = singleTopic(flags.topic, connection.urlTopics, 'produce')
  if (topic === undefined)
    throw new UsageError('no topic: pass --topic PIPELINE (or a kafka:// URL with a topic)')
  const headers = parseHeaders(flags.header)
  if (values.length === 0 && out.streams.stdin.isTTY === true) {
    throw new UsageError('give one or more values, or pipe JSON lines on stdin')
  }
  await using producer = new GraceDbKafkaProducer({
    ...connectionOptions(connection),
    topic,
    reloadCred: false,
  })
  const deliveries: Promise<DeliveryReport>[] = []
  const send = (value: unknown) => {
    const p = producer.produce(value as object | string, {
      ...(flags.key === undefined ? {} : { key: flags.key }),
      ...(Object.keys(headers).length === 0 ? {} : { headers }),
    })
    deliveries.push(p)
  }
  let inputError: unknown
  if (values.length > 0) {
    for (const v of values.map(argumentValue)) send(v)
  } else {
    try {
      for await (const { value } of jsonLines(out.streams.stdin)) send(value)
    } catch (err) {
      inputError = err // keep what was already queued: flush it, then report
    }
  }
  out.progress(`flushing ${deliveries.length} message(s) ...`)
  const settled = await Promise.allSettled(deliveries)
  const delivered = settled.filter((s) => s.status === 'fulfilled').map((s) => s.value)
  const failed = settled.filter((s) => s.status === 'rejected')
  if (out.json) for (const d of delivered) out.data(d)
  const partitions = [...new Set(delivered.map((d) => d.partition))].sort((a, b) => a - b)
  const summary = {
    topic: delivered[0]?.topic ?? topic,
    delivered: delivered.length,
    failed: failed.length,
    partitions,
  }
  if (!out.json) {
    out.data(
      summary,
      (s) =>
        `delivered ${s.delivered} message(s) to ${s.topic} (partitions ${s.partitions.join(',') || '-'})`,
    )
  }
  if (failed.length > 0) throw (failed[0] as PromiseRejectedResult).reason
  if (inputError !== undefined) throw inputError
}
