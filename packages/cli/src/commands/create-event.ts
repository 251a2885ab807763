import type { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { GraceDb } from '@gracedb-kafka/rest'
import { UsageError } from '../errors.js'
import type { Output } from '../output.js'
import type { ConnectionFlags } from '../settings.js'
import { ENV, kafkaOptions, resolveBroker, resolveTransport } from '../settings.js'

/** Options of `gracedb-kafka create-event`. */
export interface CreateEventFlags {
  search?: string | undefined
  label: string[]
  offline?: boolean | undefined
  httpFallback?: boolean | undefined
  gracedbUpload: boolean
  skipSupervisor?: boolean | undefined
}

/**
 * `gracedb-kafka create-event GROUP PIPELINE FILE`: reserve a graceid and publish the event over Kafka (or
 * create it over HTTP when no broker is configured), then print the graceid.
 *
 * @example
 * ```ts
 * await createEvent(out, flags, process.env, 'Test', 'gstlal', 'coinc.xml', { label: [], gracedbUpload: true })
 * ```
 */
export async function createEvent(
  out: Output,
  global: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  group: string,
  pipeline: string,
  file: string,
  flags: CreateEventFlags,
): Promise<void> {
  const serviceUrl = global.serviceUrl ?? env[ENV.serviceUrl]
  if (serviceUrl === undefined || serviceUrl === '') {
    throw new UsageError(`create-event needs the GraceDB service URL: --service-url URL or ${ENV.serviceUrl}`)
  }
  // The broker is resolved once; the instance is the client's (createKafkaProducer passes its service URL).
  const { bootstrapServers } = resolveBroker(global, env, [])
  if (bootstrapServers === undefined && (flags.httpFallback === true || flags.gracedbUpload === false)) {
    // Nothing to fall back from, or nothing to publish to: both only make sense with a broker.
    throw new UsageError('--http-fallback and --no-gracedb-upload need a Kafka broker (--bootstrap-servers)')
  }
  const client = new GraceDb(serviceUrl)
  const producer: GraceDbKafkaProducer | undefined =
    bootstrapServers === undefined
      ? undefined
      : client.createKafkaProducer({
          ...kafkaOptions({ bootstrapServers }, resolveTransport(global, env)),
          reloadCred: false,
        })
  try {
    out.progress(producer ? `publishing ${file} over Kafka ...` : `uploading ${file} over HTTP ...`)
    const response = await client.createEvent(group, pipeline, file, {
      ...(flags.search === undefined ? {} : { search: flags.search }),
      ...(flags.label.length === 0 ? {} : { labels: flags.label }),
      ...(flags.offline === true ? { offline: true } : {}),
      ...(producer === undefined ? {} : { kafka: producer }),
      ...(flags.httpFallback === true ? { httpFallback: true } : {}),
      ...(flags.gracedbUpload ? {} : { gracedbUpload: false }),
      ...(flags.skipSupervisor === true ? { skipSupervisor: true } : {}),
    })
    const body = (await response.json()) as Record<string, unknown>
    out.data(body, (b) =>
      typeof b.graceid === 'string' ? b.graceid : 'published without a graceid (--no-gracedb-upload)',
    )
  } finally {
    await producer?.close()
  }
}
