import { KafkaMessageDeliveryError, validateUploadMessage } from '@gracedb-kafka/core'
import { routeEventPipeline } from '@gracedb-kafka/topics'
import { isAuthFailure } from './arguments.js'
import { contentId } from './content-id.js'
import { attachGraceId } from './errors.js'
import type { EventFile } from './event-file.js'
import { warnFallback } from './fallback-warning.js'
import { GraceDbResponse, httpResponse } from './response.js'
import { base64Of, buildUploadMessage, type UploadMessage } from './upload-message.js'

/** The value the reference puts in `kafka_server` when the HTTP fallback completes a reserved upload. */
export const FALLBACK_KAFKA_SERVER = 'kafka delivery failed, reverted to http'

/** Where a message landed. */
export interface Delivery {
  topic: string
  partition: number
  offset: number
}

/**
 * What `createEvent` needs from a producer: {@link GraceDbKafkaProducer} fits, and so does any object with
 * the same members.
 */
export interface KafkaEventProducer {
  /** Seconds `createEvent` waits for delivery. */
  readonly flushTimeout: number
  /** Start-up checks (token, broker, topics); `createEvent` awaits it before reserving a graceid. */
  connect(): Promise<void>
  /** Queue a message to a pipeline topic (namespaced by the producer with its instance). */
  produce(value: object, opts?: { topic?: string; key?: string }): Promise<Delivery>
  /** Wait for delivery; `strict` makes a stall or a failure throw instead of returning a count. */
  flush(timeout?: number, strict?: boolean): Promise<number>
}

/** What the Kafka path needs from the client. */
export interface KafkaPathClient {
  serviceUrl: string
  reserve(contentId: string): Promise<GraceDbResponse>
  uploadReserved(graceid: string, file: EventFile, labels: string[] | null): Promise<GraceDbResponse>
  createViaHttp(fallback: { contentId: string; cause: unknown }): Promise<GraceDbResponse>
}

/** The Kafka-path options of `createEvent`. */
export interface KafkaCreateRequest {
  httpFallback?: boolean | undefined
  gracedbUpload?: boolean | undefined
  skipSupervisor?: boolean | undefined
  signal?: AbortSignal | undefined
}

/**
 * The reference's `_create_event_via_kafka`: start-up checks (`producer.connect()`; when they fail, nothing is
 * reserved, and with `httpFallback` the event is created over HTTP), reserve a graceid (unless `gracedbUpload` is
 * false), build the upload message and validate it against the schema (nothing is sent when it is invalid),
 * produce it to the routed topic (`test` for the Test group, else the pipeline lowercased; the producer prepends
 * its instance) keyed by the graceid, and flush strictly within the producer's `flushTimeout`. With
 * `httpFallback`, a reservation failure (other than 401/403) creates the event over HTTP, and a delivery failure
 * completes the reserved graceid over HTTP.
 */
export async function createViaKafka(
  client: KafkaPathClient,
  producer: KafkaEventProducer,
  group: string,
  pipeline: string,
  file: EventFile,
  labels: string[] | null,
  opts: KafkaCreateRequest,
): Promise<GraceDbResponse> {
  const topic = routeEventPipeline(group, pipeline)
  const gracedbUpload = opts.gracedbUpload ?? true
  const base64 = base64Of(file.bytes) // once, for the checked draft and the message sent
  const draft = (graceid: string | null, submitter: string | null): UploadMessage =>
    buildUploadMessage({
      serviceUrl: client.serviceUrl,
      graceid,
      submitter,
      pipeline,
      gracedbUpload,
      skipSupervisor: opts.skipSupervisor ?? false,
      labels,
      filename: file.filename,
      bytes: file.bytes,
      base64,
    })
  // Refuse an invalid message before anything happens (no graceid reserved for a message that cannot be sent).
  validateUploadMessage(draft(gracedbUpload ? 'G0' : null, null))
  const id = contentId(file.bytes)
  try {
    await producer.connect()
  } catch (err) {
    // Nothing is reserved yet: with httpFallback the event is created over plain HTTP, as after a failed
    // reservation (never with gracedbUpload false, which asks GraceDB not to process the event).
    if (!gracedbUpload || !opts.httpFallback || opts.signal?.aborted) throw err
    warnFallback('Kafka producer start-up checks failed', err, 'falling back to HTTP POST')
    return client.createViaHttp({ contentId: id, cause: err })
  }

  let reservation: GraceDbResponse | undefined
  if (gracedbUpload) {
    try {
      reservation = await client.reserve(id)
    } catch (err) {
      if (isAuthFailure(err) || !opts.httpFallback || opts.signal?.aborted) throw err
      warnFallback('Kafka submission failed during graceid reservation', err, 'falling back to HTTP POST')
      return client.createViaHttp({ contentId: id, cause: err })
    }
  }
  const body = reservation?.json() ?? { graceid: null, submitter: null }
  const graceid = reservation?.graceid ?? null
  const message = draft(graceid, typeof body.submitter === 'string' ? body.submitter : null)
  // The draft passed the schema and the message differs from it only in graceid and submitter (a string or
  // null each, which the schema accepts) and the timestamp (a number): the whole schema runs again only if
  // that ever stops holding (it costs about 0.1 ms of the time between the reservation and the produce).
  if (!isStringOrNull(message.graceid) || !isStringOrNull(message.submitter)) {
    try {
      validateUploadMessage(message)
    } catch (err) {
      throw graceid === null ? err : attachGraceId(err, graceid)
    }
  }

  let delivery: Delivery
  try {
    delivery = await publish(producer, message, topic, graceid)
  } catch (err) {
    if (graceid === null || !opts.httpFallback) throw graceid === null ? err : attachGraceId(err, graceid)
    warnFallback(
      'Kafka delivery failed after graceid reservation',
      err,
      'falling back to uploadReservedEvent via HTTP',
    )
    try {
      const uploaded = await client.uploadReserved(graceid, file, labels)
      return httpResponse(
        uploaded,
        uploaded.url,
        { ...body, ...uploaded.json(), graceid },
        { graceid, fallbackCause: err },
      )
    } catch (uploadErr) {
      throw attachGraceId(uploadErr, graceid)
    }
  }
  return new GraceDbResponse({
    status: reservation?.status ?? null,
    url: reservation?.url ?? null,
    ...(reservation ? { headers: reservation.headers } : {}),
    body,
    via: 'kafka',
    graceid,
    delivery,
  })
}

/**
 * Produce `message` and flush strictly (`flush(flushTimeout, true)`): a failed delivery or a message still queued
 * at the deadline throws (`KafkaConnectionError`, `KafkaTopicError` or `KafkaMessageDeliveryError` from the
 * producer). A producer whose `flush` returns a count instead of throwing is held to the same rule here.
 */
export async function publish(
  producer: KafkaEventProducer,
  message: UploadMessage,
  topic: string,
  graceid: string | null,
): Promise<Delivery> {
  const timeout = producer.flushTimeout
  const delivered = producer.produce(message, { topic, ...(graceid === null ? {} : { key: graceid }) })
  delivered.catch(() => undefined)
  const remaining = await producer.flush(timeout, true)
  if (remaining > 0) {
    throw new KafkaMessageDeliveryError(
      `the event message was not delivered within flushTimeout (${timeout} s); ${remaining} message(s) still queued`,
      { topic },
    )
  }
  return delivered
}

function isStringOrNull(value: unknown): boolean {
  return value === null || typeof value === 'string'
}
