import { ClientClosedError, InvalidOptionError } from '@gracedb-kafka/core'
import { GraceDbKafkaProducer, type ProducerOptionsInput } from '@gracedb-kafka/producer'
import { checkCreateEventArgs, checkServiceUrl, normaliseLabels, requireString } from './arguments.js'
import {
  type CreateEventOptions,
  checkCreateOptions,
  checkReserveOptions,
  checkSignal,
  checkUploadOptions,
  type ReserveGraceIdOptions,
  type UploadReservedEventOptions,
} from './call-options.js'
import {
  type GraceDbOptions,
  type GraceDbOptionsInput,
  gracedbAudience,
  parseGraceDbOptions,
} from './client-options.js'
import { readEventFile } from './event-file.js'
import { createViaHttp, type HttpPath, reserveGraceId, uploadReservedEvent } from './http-path.js'
import { HttpTransport } from './http-transport.js'
import { createViaKafka, FALLBACK_KAFKA_SERVER } from './kafka-path.js'
import type { GraceDbResponse } from './response.js'
import { ServiceInfo } from './service-info.js'
import { RestTokenSource } from './token-source.js'
import { USER_AGENT } from './version.js'

export type { CreateEventOptions, ReserveGraceIdOptions, UploadReservedEventOptions } from './call-options.js'
export { FALLBACK_KAFKA_SERVER, type KafkaEventProducer } from './kafka-path.js'

/** The production GraceDB API, the reference's default. */
export const DEFAULT_SERVICE_URL = 'https://gracedb.ligo.org/api/'

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
  readonly #path: HttpPath
  readonly #tokens: RestTokenSource | undefined
  #closed = false

  constructor(serviceUrl: string = DEFAULT_SERVICE_URL, options: GraceDbOptionsInput = {}) {
    checkServiceUrl(serviceUrl)
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
    const http = new HttpTransport({
      retry: {
        retries: this.#opts.retries,
        backoffFactor: this.#opts.backoffFactor,
        retryCodes: this.#opts.retryCodes,
        retryTimeout: this.#opts.retryTimeout,
        maxRetryAfter: 30,
      },
      requestTimeout: this.#opts.requestTimeout,
      userAgent: USER_AGENT,
      serviceUrl: this.serviceUrl,
      token: tokens ? () => tokens.get() : async () => null,
      tokenProblem: () => tokens?.problem(),
      ...(this.#opts.fetch ? { fetch: this.#opts.fetch } : {}),
    })
    this.#path = { http, info: new ServiceInfo(http, this) }
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
    checkSignal(signal)
    return this.#path.info.get(signal)
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
    this.#assertOpen()
    // Everything is checked before the first request: no `group=undefined` or `pipeline=42` is ever sent.
    checkReserveOptions(opts)
    requireString('group', group)
    requireString('pipeline', pipeline)
    return reserveGraceId(this.#path, group, pipeline, opts)
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
    this.#assertOpen()
    checkUploadOptions(opts)
    if (typeof graceid !== 'string' || graceid.length === 0) {
      throw new InvalidOptionError('graceid', 'graceid must be a non-empty string')
    }
    const labels = normaliseLabels(opts.labels)
    // The file is checked (exists, regular, readable, not empty) before the server is contacted.
    const file = await readEventFile(filename, opts.filecontents)
    await this.#path.info.template('event-upload-template', 'uploadReservedEvent()', opts.signal)
    return uploadReservedEvent(this.#path, graceid, file, { ...opts, labels })
  }

  /**
   * Create an event. Without `kafka` the file is POSTed to GraceDB (multipart). With `kafka`, as the reference:
   * run the producer's start-up checks (`connect()`), reserve a graceid, validate the upload message against the
   * schema (an invalid one throws `MessageSchemaError`, nothing sent), publish it to the routed topic
   * (`<instance>.test` for the Test group, else `<instance>.<pipeline lowercased>`, whatever the producer's
   * default topic) and flush strictly within the producer's `flushTimeout`. `json()` of the result holds the
   * graceid, as the reference's response does.
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
    // Validate first, then act: every argument (the `kafka` producer included) and the event file are checked
    // before the first request, so a bad argument never reserves a graceid it then cannot use.
    checkCreateOptions(opts)
    checkCreateEventArgs(group, pipeline, opts)
    const labels = normaliseLabels(opts.labels)
    const file = await readEventFile(filename, opts.filecontents)
    if (this.#opts.validate) {
      await this.#path.info.validateNames({ group, pipeline, search: opts.search, labels }, opts.signal)
    }
    const signal = opts.signal
    const viaHttp = (fallback?: { contentId: string; cause: unknown }) =>
      createViaHttp(this.#path, group, pipeline, file, labels, { ...opts, fallback })
    if (!opts.kafka) return viaHttp()
    const client = {
      serviceUrl: this.serviceUrl,
      reserve: (contentId: string) =>
        this.reserveGraceId(group, pipeline, {
          search: opts.search,
          contentId,
          replayId: opts.replayId,
          signal,
        }),
      uploadReserved: (graceid: string, f: typeof file, l: string[] | null) =>
        uploadReservedEvent(this.#path, graceid, f, {
          labels: l,
          kafkaServer: FALLBACK_KAFKA_SERVER,
          signal,
        }),
      createViaHttp: viaHttp,
    }
    return createViaKafka(client, opts.kafka, group, pipeline, file, labels, opts)
  }

  /**
   * A {@link GraceDbKafkaProducer} for this client's GraceDB instance, with the reference's defaults: the
   * service URL is passed along so topics are namespaced (`gracedb-test.gstlal`), `topic` defaults to `"test"`
   * and the token scope to `gracedb.read`. `createEvent` routes by group and pipeline whatever the default topic.
   *
   * @example
   * ```ts
   * const producer = client.createKafkaProducer({ bootstrapServers: 'kafka-dev.ligo.org:9092', caCertPath: '/etc/ca.pem' })
   * ```
   */
  createKafkaProducer(options: ClientProducerOptions): GraceDbKafkaProducer {
    this.#assertOpen()
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new InvalidOptionError('(options)', 'createKafkaProducer(): expected an options object')
    }
    return new GraceDbKafkaProducer({
      topic: 'test',
      tokenScope: 'gracedb.read',
      ...options,
      serviceUrl: this.serviceUrl,
    })
  }

  /**
   * Release the token refresher and close the client's keep-alive HTTP connections (requests under way finish
   * first). Idempotent: a second call resolves at once. Afterwards every request method
   * and `createKafkaProducer()` throw {@link ClientClosedError} (`ERR_CLIENT_CLOSED`, client `'gracedb'`).
   *
   * @example
   * ```ts
   * await client.close()
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#tokens?.close()
    await this.#path.http.close()
  }

  /** `await using client = new GraceDb(…)` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClientClosedError('gracedb')
  }
}
