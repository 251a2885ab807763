import { InvalidOptionError } from '@gracedb-kafka/core'
import { contentId } from './content-id.js'
import { GraceDbResponseError } from './errors.js'
import type { EventFile } from './event-file.js'
import { eventForm, type FormValue } from './event-form.js'
import type { HttpTransport } from './http-transport.js'
import { type GraceDbResponse, httpResponse } from './response.js'
import { asRecord, type ServiceInfo } from './service-info.js'

/** What the HTTP operations need from the client. */
export interface HttpPath {
  http: HttpTransport
  info: ServiceInfo
}

/** The one multipart POST of an event file: form fields in order, then the file as `eventFile`. */
async function postEventForm(
  path: HttpPath,
  url: string,
  fields: Readonly<Record<string, FormValue>>,
  file: EventFile,
  signal: AbortSignal | undefined,
  extra?: Parameters<typeof httpResponse>[3],
): Promise<GraceDbResponse> {
  const reply = await path.http.requestJson({
    method: 'POST',
    url,
    signal,
    body: () => eventForm(fields, file),
  })
  return httpResponse(reply, url, reply.body, extra)
}

/** Options of a graceid reservation. */
export interface ReserveRequest {
  search?: string | undefined
  contentId?: string | undefined
  replayId?: string | undefined
  signal?: AbortSignal | undefined
}

/** `POST` (form-encoded) to the `event-reserve-template`; the reply must carry a graceid. */
export async function reserveGraceId(
  path: HttpPath,
  group: string,
  pipeline: string,
  opts: ReserveRequest,
): Promise<GraceDbResponse> {
  const url = await path.info.template('event-reserve-template', 'reserveGraceId()', opts.signal)
  const reply = await path.http.requestJson({
    method: 'POST',
    url,
    signal: opts.signal,
    body: () => {
      const form = new URLSearchParams({ group, pipeline })
      if (opts.search) form.set('search', opts.search)
      if (opts.contentId !== undefined) form.set('content_id', opts.contentId)
      if (opts.replayId) form.set('replay_id', opts.replayId)
      return form
    },
  })
  const body = asRecord(reply)
  if (typeof body.graceid !== 'string' || body.graceid.length === 0) {
    throw new GraceDbResponseError(`GraceDB's reservation reply from ${url} has no graceid`, {
      status: reply.status,
      url,
      contentType: reply.headers.get('content-type') ?? '',
      snippet: JSON.stringify(body),
    })
  }
  return httpResponse(reply, url, body)
}

/** Options of a reserved upload. */
export interface ReservedUploadRequest {
  labels: string[] | null
  kafkaServer?: string | undefined
  kafkaTopic?: string | undefined
  signal?: AbortSignal | undefined
}

/** `POST` (multipart) the file of a reserved event to the `event-upload-template`. */
export async function uploadReservedEvent(
  path: HttpPath,
  graceid: string,
  file: EventFile,
  opts: ReservedUploadRequest,
): Promise<GraceDbResponse> {
  if (typeof graceid !== 'string' || graceid.length === 0) {
    throw new InvalidOptionError('graceid', 'graceid must be a non-empty string')
  }
  const template = await path.info.template('event-upload-template', 'uploadReservedEvent()', opts.signal)
  const url = template.replaceAll('{graceid}', encodeURIComponent(graceid))
  const fields = {
    graceid,
    labels: opts.labels ?? [],
    kafka_server: opts.kafkaServer,
    kafka_topic: opts.kafkaTopic,
  }
  return postEventForm(path, url, fields, file, opts.signal, { graceid })
}

/** Options of a plain HTTP event creation. */
export interface HttpCreateRequest {
  search?: string | undefined
  offline?: boolean | undefined
  replayId?: string | undefined
  signal?: AbortSignal | undefined
  /** Set when this is the fallback of a failed Kafka reservation. */
  fallback?: { contentId: string; cause: unknown } | undefined
}

/** `POST` (multipart) a new event to `links.events`. */
export async function createViaHttp(
  path: HttpPath,
  group: string,
  pipeline: string,
  file: EventFile,
  labels: string[] | null,
  opts: HttpCreateRequest,
): Promise<GraceDbResponse> {
  const url = await path.info.link('events', opts.signal)
  const fields = {
    group,
    pipeline,
    offline: opts.offline ? 'True' : 'False',
    content_id: opts.fallback?.contentId ?? contentId(file.bytes),
    search: opts.search || undefined,
    labels: labels ?? [],
    replay_id: opts.replayId || undefined,
  }
  return postEventForm(path, url, fields, file, opts.signal, { fallbackCause: opts.fallback?.cause })
}
