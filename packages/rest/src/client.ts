import { InvalidOptionError, KafkaMessageDeliveryError, KafkaTokenError } from '@gracedb-kafka/core'
import { GraceDbKafkaProducer, type ProducerOptionsInput } from '@gracedb-kafka/producer'
import { routeEventPipeline } from '@gracedb-kafka/topics'
import {
  type GraceDbOptions,
  type GraceDbOptionsInput,
  gracedbAudience,
  parseGraceDbOptions,
} from './client-options.js'
import { contentId } from './content-id.js'
import { attachGraceId, GraceDbHttpError, GraceDbNotSupportedError, GraceDbResponseError } from './errors.js'
import { type EventFile, type FileContents, readEventFile } from './event-file.js'
import { eventForm } from './event-form.js'
import { warnFallback } from './fallback-warning.js'
import { HttpTransport, type JsonReply } from './http-transport.js'
import { GraceDbResponse, httpResponse } from './response.js'
import { RestTokenSource } from './token-source.js'
import { buildUploadMessage, type UploadMessage } from './upload-message.js'

/** The production GraceDB API, the reference's default. */
export const DEFAULT_SERVICE_URL = 'https://gracedb.ligo.org/api/'

/** The value the reference puts in `kafka_server` when the HTTP fallback completes a reserved upload. */
export const FALLBACK_KAFKA_SERVER = 'kafka delivery failed, reverted to http'

const VERSION = '0.1.0'

/**
 * What `createEvent` needs from a producer: {@link GraceDbKafkaProducer} fits, and so does any object with
 * the same members.
 */
export interface KafkaEventProducer {
  /** The producer's default topic (pipeline name); when set, `createEvent` publishes there. */
  readonly defaultTopic: string | undefined
  /** Seconds `createEvent` waits for delivery. */
  readonly flushTimeout: number
  produce(
    value: object,
    opts?: { topic?: string; key?: string },
  ): Promise<{ topic: string; partition: number; offset: number }>
  flush(timeout?: number): Promise<number>
}

/** Options of {@link GraceDb.createEvent}. */
export interface CreateEventOptions {
  /** The event data; when given, `filename` only names the stored file. */
  filecontents?: FileContents | undefined
  /** Search type, e.g. `'AllSky'`. */
  search?: string | undefined
  /** One label or several, e.g. `'INJ'` or `['INJ', 'DQV']`. */
  labels?: string | string[] | undefined
  /** The event was found by an offline analysis (default `false`; plain HTTP path only, as in the reference). */
  offline?: boolean | undefined
  /** A producer: reserve a graceid over HTTP, then publish the event to Kafka. */
  kafka?: KafkaEventProducer | undefined
  /** On Kafka-path failure fall back to HTTP (reservation failed → plain create; delivery failed → reserved upload). */
  httpFallback?: boolean | undefined
  /** Ask GraceDB to process the event (default `true`); `false` publishes without reserving a graceid. */
  gracedbUpload?: boolean | undefined
  /** Ask the server-side supervisor not to complete the upload (default `false`). */
  skipSupervisor?: boolean | undefined
  /** Replay-analysis identifier (recorded at reservation on the Kafka path, sent as a field over HTTP). */
  replayId?: string | undefined
  /** Aborts the HTTP parts of the call. */
  signal?: AbortSignal | undefined
}

/** Options of {@link GraceDb.uploadReservedEvent}. */
export interface UploadReservedEventOptions {
  filecontents?: FileContents | undefined
  labels?: string | string[] | undefined
  /** Kafka broker that delivered the message (recorded as provenance). */
  kafkaServer?: string | undefined
  /** Kafka topic the message arrived on. */
  kafkaTopic?: string | undefined
  signal?: AbortSignal | undefined
}

/** Options of {@link GraceDb.reserveGraceId}. */
export interface ReserveGraceIdOptions {
  search?: string | undefined
  /** Content id of the event file (see `contentId`). */
  contentId?: string | undefined
  replayId?: string | undefined
  signal?: AbortSignal | undefined
}

/** Producer options for {@link GraceDb.createKafkaProducer}: the instance comes from the client. */
export type ClientProducerOptions = Omit<ProducerOptionsInput, 'serviceUrl' | 'instanceName'>

/**
 * The GraceDB REST client (the reference's `GraceDb`), with the reserve + produce Kafka path of `createEvent`.
 *
 * @example
 * ```ts
 * import { GraceDb } from '@gracedb-kafka/rest'
 *
 * const client = new GraceDb('https://gracedb-test.ligo.org/api/', { apiVersion: 'v2' })
 * const producer = client.createKafkaProducer({ bootstrapServers: 'kafka-dev.ligo.org:9092' })
 * const response = await client.createEvent('CBC', 'gstlal', 'coinc.xml', { search: 'AllSky', kafka: producer })
 * console.log(response.json().graceid) // e.g. 'G123456'; the message went to gracedb-test.gstlal
 * await producer.close()
 * ```
 */
export class GraceDb {
  /** The unversioned service URL, with a trailing slash (what Kafka messages carry as `gracedb_server`). */
  readonly serviceUrl: string
  /** The versioned API root (`<serviceUrl>v2/` for `apiVersion: 'v2'`). */
  readonly versionedServiceUrl: string
  /** The requested API version, if any. */
  readonly apiVersion: string | undefined
  readonly #opts: GraceDbOptions
  readonly #http: HttpTransport
  readonly #tokens: RestTokenSource | undefined
  #serviceInfo: Promise<Record<string, unknown>> | undefined
  #closed = false

  constructor(serviceUrl: string = DEFAULT_SERVICE_URL, options: GraceDbOptionsInput = {}) {
    let url: URL
    try {
      url = new URL(serviceUrl)
    } catch {
      throw new InvalidOptionError('serviceUrl', `serviceUrl must be an absolute URL, got "${serviceUrl}"`)
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new InvalidOptionError('serviceUrl', `serviceUrl must be http(s), got "${url.protocol}"`)
    }
    this.#opts = parseGraceDbOptions(options)
    this.serviceUrl = serviceUrl.endsWith('/') ? serviceUrl : `${serviceUrl}/`
    this.apiVersion = this.#opts.apiVersion
    const version = this.apiVersion && this.apiVersion !== 'default' ? `${this.apiVersion}/` : ''
    this.versionedServiceUrl = this.serviceUrl + version
    this.#tokens = this.#opts.forceNoauth
      ? undefined
      : new RestTokenSource({
          serviceUrl: this.serviceUrl,
          scope: this.#opts.tokenScope,
          audience: this.#opts.tokenAudience ?? gracedbAudience(this.serviceUrl),
          reloadBuffer: this.#opts.reloadBuffer,
          failIfNoauth: this.#opts.failIfNoauth,
          env: this.#opts.env,
        })
    const tokens = this.#tokens
    this.#http = new HttpTransport({
      retry: {
        retries: this.#opts.retries,
        backoffFactor: this.#opts.backoffFactor,
        retryCodes: this.#opts.retryCodes,
        retryTimeout: this.#opts.retryTimeout,
        maxRetryAfter: 30,
      },
      requestTimeout: this.#opts.requestTimeout,
      userAgent: `gracedb-kafka-rest/${VERSION}`,
      serviceUrl: this.serviceUrl,
      token: tokens ? () => tokens.get() : async () => null,
      tokenProblem: () => tokens?.problem(),
      ...(this.#opts.fetch ? { fetch: this.#opts.fetch } : {}),
    })
  }

  /**
   * The API root ("service info"): links, URL templates, groups, pipelines, searches, labels. Fetched once.
   *
   * @example
   * ```ts
   * const info = await client.serviceInfo()
   * info.groups // ['CBC', 'Burst', 'Test', …]
   * ```
   */
  async serviceInfo(signal?: AbortSignal): Promise<Record<string, unknown>> {
    this.#assertOpen()
    if (!this.#serviceInfo) {
      this.#serviceInfo = this.#loadServiceInfo(signal)
      this.#serviceInfo.catch(() => {
        this.#serviceInfo = undefined
      })
    }
    return this.#serviceInfo
  }

  async #loadServiceInfo(signal?: AbortSignal): Promise<Record<string, unknown>> {
    try {
      const reply = await this.#http.requestJson({ method: 'GET', url: this.versionedServiceUrl, signal })
      return asRecord(reply)
    } catch (err) {
      if (
        !(err instanceof GraceDbHttpError) ||
        err.status !== 404 ||
        this.versionedServiceUrl === this.serviceUrl
      ) {
        throw err
      }
      const root = asRecord(await this.#http.requestJson({ method: 'GET', url: this.serviceUrl, signal }))
      const versions = root.API_VERSIONS ?? root['api-versions']
      throw new InvalidOptionError(
        'apiVersion',
        versions
          ? `Bad API version "${this.apiVersion}". Available versions for this server are: ${JSON.stringify(versions)}`
          : 'This server does not have a versioned API; create the client without apiVersion',
      )
    }
  }

  /**
   * Reserve a graceid for an event that will be uploaded later (`POST` to the `event-reserve-template`,
   * form-encoded). Resolves to the reservation (`json()` holds `graceid` and `submitter`). Requires API v2.
   *
   * @example
   * ```ts
   * const r = await client.reserveGraceId('CBC', 'gstlal', { search: 'AllSky' })
   * r.graceid // 'G123'
   * ```
   */
  async reserveGraceId(
    group: string,
    pipeline: string,
    opts: ReserveGraceIdOptions = {},
  ): Promise<GraceDbResponse> {
    const url = await this.#template('event-reserve-template', 'reserveGraceId()', opts.signal)
    const reply = await this.#http.requestJson({
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

  /**
   * Complete a reserved event by uploading its file (`POST` multipart to the `event-upload-template`), with
   * optional labels and Kafka provenance. Requires API v2.
   *
   * @example
   * ```ts
   * await client.uploadReservedEvent('G123', 'coinc.xml', { labels: ['INJ'], kafkaServer: 'kafka:9092', kafkaTopic: 'gstlal' })
   * ```
   */
  async uploadReservedEvent(
    graceid: string,
    filename: string,
    opts: UploadReservedEventOptions = {},
  ): Promise<GraceDbResponse> {
    if (typeof graceid !== 'string' || graceid.length === 0) {
      throw new InvalidOptionError('graceid', 'graceid must be a non-empty string')
    }
    const template = await this.#template('event-upload-template', 'uploadReservedEvent()', opts.signal)
    const file = await readEventFile(filename, opts.filecontents)
    const labels = normaliseLabels(opts.labels)
    const url = template.replaceAll('{graceid}', encodeURIComponent(graceid))
    const reply = await this.#http.requestJson({
      method: 'POST',
      url,
      signal: opts.signal,
      body: () =>
        eventForm(
          { graceid, labels: labels ?? [], kafka_server: opts.kafkaServer, kafka_topic: opts.kafkaTopic },
          file,
        ),
    })
    return httpResponse(reply, url, reply.body, { graceid })
  }

  /**
   * Create an event. Without `kafka` the file is POSTed to GraceDB (multipart). With `kafka`: reserve a graceid,
   * publish the upload message to the routed topic (`<instance>.test` for the Test group, else
   * `<instance>.<pipeline lowercased>`, unless the producer has a default topic), and wait up to the producer's
   * `flushTimeout` for delivery. `json()` of the result holds the graceid, as the reference's response does.
   *
   * Failures: a 401/403 reservation always throws; with `httpFallback` another reservation failure creates the
   * event over plain HTTP, and a delivery failure completes the reserved graceid with `uploadReservedEvent`
   * (never a second graceid). Without `httpFallback` the error propagates with `graceid` attached (see
   * `reservedGraceId`).
   *
   * @example
   * ```ts
   * const r = await client.createEvent('Test', 'gstlal', 'coinc.xml', { kafka: producer, httpFallback: true })
   * console.log(r.graceid, r.via) // 'G124', 'kafka'
   * ```
   */
  async createEvent(
    group: string,
    pipeline: string,
    filename: string,
    opts: CreateEventOptions = {},
  ): Promise<GraceDbResponse> {
    this.#assertOpen()
    requireString('group', group)
    requireString('pipeline', pipeline)
    if (opts.offline !== undefined && typeof opts.offline !== 'boolean') {
      throw new InvalidOptionError('offline', 'offline must be a boolean')
    }
    if (opts.replayId !== undefined && typeof opts.replayId !== 'string') {
      throw new InvalidOptionError('replayId', 'replayId must be a string')
    }
    const labels = normaliseLabels(opts.labels)
    if (this.#opts.validate) await this.#validateNames(group, pipeline, opts.search, labels, opts.signal)
    const file = await readEventFile(filename, opts.filecontents)
    if (opts.kafka) return this.#createViaKafka(group, pipeline, file, labels, opts.kafka, opts)
    return this.#createViaHttp(group, pipeline, file, labels, opts)
  }

  async #createViaKafka(
    group: string,
    pipeline: string,
    file: EventFile,
    labels: string[] | null,
    producer: KafkaEventProducer,
    opts: CreateEventOptions,
  ): Promise<GraceDbResponse> {
    const gracedbUpload = opts.gracedbUpload ?? true
    let reservation: GraceDbResponse | undefined
    if (gracedbUpload) {
      const id = contentId(file.bytes)
      try {
        reservation = await this.reserveGraceId(group, pipeline, {
          search: opts.search,
          contentId: id,
          replayId: opts.replayId,
          signal: opts.signal,
        })
      } catch (err) {
        if (isAuthFailure(err) || !opts.httpFallback || opts.signal?.aborted) throw err
        warnFallback('Kafka submission failed during graceid reservation', err, 'falling back to HTTP POST')
        return this.#createViaHttp(group, pipeline, file, labels, opts, { contentId: id, cause: err })
      }
    }
    const body = reservation?.json() ?? { graceid: null, submitter: null }
    const graceid = reservation?.graceid ?? null
    const message = buildUploadMessage({
      serviceUrl: this.serviceUrl,
      graceid,
      submitter: typeof body.submitter === 'string' ? body.submitter : null,
      pipeline,
      gracedbUpload,
      skipSupervisor: opts.skipSupervisor ?? false,
      labels,
      filename: file.filename,
      bytes: file.bytes,
    })
    const topic = producer.defaultTopic === undefined ? routeEventPipeline(group, pipeline) : undefined
    let delivery: { topic: string; partition: number; offset: number }
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
        const uploaded = await this.uploadReservedEvent(graceid, file.filename, {
          filecontents: file.bytes,
          labels: labels ?? undefined,
          kafkaServer: FALLBACK_KAFKA_SERVER,
          signal: opts.signal,
        })
        return httpResponse(
          uploaded,
          uploaded.url,
          { ...body, ...uploaded.json(), graceid },
          {
            graceid,
            fallbackCause: err,
          },
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
      delivery: { topic: delivery.topic, partition: delivery.partition, offset: delivery.offset },
    })
  }

  async #createViaHttp(
    group: string,
    pipeline: string,
    file: EventFile,
    labels: string[] | null,
    opts: CreateEventOptions,
    fallback?: { contentId: string; cause: unknown },
  ): Promise<GraceDbResponse> {
    const info = await this.serviceInfo(opts.signal)
    const url = (info.links as Record<string, unknown> | undefined)?.events
    if (typeof url !== 'string') {
      throw new GraceDbNotSupportedError(`the API root of ${this.versionedServiceUrl} has no links.events`)
    }
    const id = fallback?.contentId ?? contentId(file.bytes)
    const reply = await this.#http.requestJson({
      method: 'POST',
      url,
      signal: opts.signal,
      body: () =>
        eventForm(
          {
            group,
            pipeline,
            offline: opts.offline ? 'True' : 'False',
            content_id: id,
            search: opts.search || undefined,
            labels: labels ?? [],
            replay_id: opts.replayId || undefined,
          },
          file,
        ),
    })
    return httpResponse(reply, url, reply.body, { fallbackCause: fallback?.cause })
  }

  /**
   * A {@link GraceDbKafkaProducer} for this client's GraceDB instance: the service URL is passed along so
   * topics are namespaced (`gracedb-test.gstlal`), and the token scope defaults to `gracedb.read` as in the
   * reference. Unlike the reference, `topic` has no default, so `createEvent` routes by group and pipeline.
   *
   * @example
   * ```ts
   * const producer = client.createKafkaProducer({ bootstrapServers: 'kafka-dev.ligo.org:9092', caCertPath: '/etc/ca.pem' })
   * ```
   */
  createKafkaProducer(options: ClientProducerOptions): GraceDbKafkaProducer {
    return new GraceDbKafkaProducer({
      tokenScope: 'gracedb.read',
      ...options,
      serviceUrl: this.serviceUrl,
    } as ProducerOptionsInput)
  }

  /** Release the token refresher. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#tokens?.close()
  }

  /** `await using client = new GraceDb(…)` closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidOptionError('client', 'this GraceDb client has been closed')
  }

  async #template(name: string, method: string, signal?: AbortSignal): Promise<string> {
    this.#assertOpen()
    const info = await this.serviceInfo(signal)
    if (!(this.apiVersion === 'v2' || (this.apiVersion === undefined && info['api-default'] === 'v2'))) {
      throw new GraceDbNotSupportedError(
        `${method} is only implemented in API v2 (create the client with apiVersion: 'v2')`,
      )
    }
    const url = (info.templates as Record<string, unknown> | undefined)?.[name]
    if (typeof url !== 'string') {
      throw new GraceDbNotSupportedError(
        `${method} is not yet implemented on ${this.serviceUrl} (no ${name})`,
      )
    }
    return url
  }

  async #validateNames(
    group: string,
    pipeline: string,
    search: string | undefined,
    labels: string[] | null,
    signal?: AbortSignal,
  ): Promise<void> {
    const info = await this.serviceInfo(signal)
    checkIn('group', group, info.groups)
    checkIn('pipeline', pipeline, info.pipelines)
    if (search) checkIn('search', search, info.searches)
    for (const label of labels ?? []) checkIn('labels', label, info.labels)
  }
}

async function publish(
  producer: KafkaEventProducer,
  message: UploadMessage,
  topic: string | undefined,
  graceid: string | null,
): Promise<{ topic: string; partition: number; offset: number }> {
  const timeout = producer.flushTimeout
  const delivered = producer.produce(message, {
    ...(topic === undefined ? {} : { topic }),
    ...(graceid === null ? {} : { key: graceid }),
  })
  delivered.catch(() => undefined)
  let timer: NodeJS.Timeout | undefined
  const flushed = producer.flush(timeout).then(async (remaining) => {
    if (remaining > 0) {
      throw new KafkaMessageDeliveryError(
        `the event message was not delivered within flushTimeout (${timeout} s); ${remaining} message(s) still queued`,
        { topic: topic ?? producer.defaultTopic ?? '' },
      )
    }
    return delivered
  })
  flushed.catch(() => undefined)
  const hardStop = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new KafkaMessageDeliveryError(
            `the event message was not delivered within flushTimeout (${timeout} s)`,
            {
              topic: topic ?? producer.defaultTopic ?? '',
            },
          ),
        ),
      (timeout + 5) * 1000,
    )
  })
  try {
    return await Promise.race([delivered, flushed, hardStop])
  } finally {
    clearTimeout(timer)
  }
}

/** A 401/403 from GraceDB, or no SciToken with `failIfNoauth`: an HTTP fallback cannot fix credentials. */
function isAuthFailure(err: unknown): boolean {
  return (
    (err instanceof GraceDbHttpError && (err.status === 401 || err.status === 403)) ||
    err instanceof KafkaTokenError
  )
}

function normaliseLabels(labels: string | string[] | undefined): string[] | null {
  if (labels === undefined || labels === null) return null
  const list = typeof labels === 'string' ? [labels] : labels
  if (!Array.isArray(list) || list.some((l) => typeof l !== 'string' || l.length === 0)) {
    throw new InvalidOptionError(
      'labels',
      'labels must be a non-empty string or an array of non-empty strings',
    )
  }
  return list.length === 0 ? null : [...list]
}

function requireString(option: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidOptionError(option, `${option} must be a non-empty string`)
  }
}

function checkIn(option: string, value: string, known: unknown): void {
  if (!Array.isArray(known)) return
  if (known.includes(value)) return
  const what = option === 'labels' ? 'label' : option
  throw new InvalidOptionError(
    option,
    `unknown ${what} "${value}"; this GraceDB server knows: ${known.slice(0, 40).join(', ')}`,
  )
}

function asRecord(reply: JsonReply): Record<string, unknown> {
  const body = reply.body
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GraceDbResponseError(`GraceDB answered ${reply.url} with JSON that is not an object`, {
      status: reply.status,
      url: reply.url,
      contentType: reply.headers.get('content-type') ?? '',
      snippet: JSON.stringify(body) ?? '',
    })
  }
  return body as Record<string, unknown>
}
