import { InvalidOptionError } from '@gracedb-kafka/core'
import { checkIn } from './arguments.js'
import { GraceDbHttpError, GraceDbNotSupportedError, GraceDbResponseError } from './errors.js'
import type { HttpTransport, JsonReply } from './http-transport.js'

/** Where the API lives: the unversioned root, the versioned root and the requested version. */
export interface ApiLocation {
  serviceUrl: string
  versionedServiceUrl: string
  apiVersion: string | undefined
}

/**
 * The API root ("service info") of one GraceDB server: fetched once (a failed fetch is retried on the next call),
 * with the lookups the client needs: URL templates and the server's lists of groups, pipelines, searches and
 * labels.
 */
export class ServiceInfo {
  readonly #http: HttpTransport
  readonly #api: ApiLocation
  #info: Promise<Record<string, unknown>> | undefined

  constructor(http: HttpTransport, api: ApiLocation) {
    this.#http = http
    this.#api = api
  }

  /** The API root, fetched on first use. */
  get(signal?: AbortSignal): Promise<Record<string, unknown>> {
    if (!this.#info) {
      this.#info = this.#load(signal)
      this.#info.catch(() => {
        this.#info = undefined
      })
    }
    return this.#info
  }

  async #load(signal?: AbortSignal): Promise<Record<string, unknown>> {
    const { serviceUrl, versionedServiceUrl, apiVersion } = this.#api
    try {
      return asRecord(await this.#http.requestJson({ method: 'GET', url: versionedServiceUrl, signal }))
    } catch (err) {
      if (!(err instanceof GraceDbHttpError) || err.status !== 404 || versionedServiceUrl === serviceUrl)
        throw err
      const root = asRecord(await this.#http.requestJson({ method: 'GET', url: serviceUrl, signal }))
      const versions = root.API_VERSIONS ?? root['api-versions']
      throw new InvalidOptionError(
        'apiVersion',
        versions
          ? `Bad API version "${apiVersion}". Available versions for this server are: ${JSON.stringify(versions)}`
          : 'This server does not have a versioned API; create the client without apiVersion',
      )
    }
  }

  /** The v2 URL template `name`, for the public method `method` (named in the error when it is missing). */
  async template(name: string, method: string, signal?: AbortSignal): Promise<string> {
    const info = await this.get(signal)
    const { apiVersion, serviceUrl } = this.#api
    if (!(apiVersion === 'v2' || (apiVersion === undefined && info['api-default'] === 'v2'))) {
      throw new GraceDbNotSupportedError(
        `${method} is only implemented in API v2 (create the client with apiVersion: 'v2')`,
      )
    }
    const url = (info.templates as Record<string, unknown> | undefined)?.[name]
    if (typeof url !== 'string') {
      throw new GraceDbNotSupportedError(`${method} is not yet implemented on ${serviceUrl} (no ${name})`)
    }
    return url
  }

  /** The link `name` of the API root (e.g. `events`). */
  async link(name: string, signal?: AbortSignal): Promise<string> {
    const info = await this.get(signal)
    const url = (info.links as Record<string, unknown> | undefined)?.[name]
    if (typeof url !== 'string') {
      throw new GraceDbNotSupportedError(
        `the API root of ${this.#api.versionedServiceUrl} has no links.${name}`,
      )
    }
    return url
  }

  /** Check group, pipeline, search and labels against the server's lists (the reference's `ValueError`s). */
  async validateNames(
    names: { group: string; pipeline: string; search?: string | undefined; labels: string[] | null },
    signal?: AbortSignal,
  ): Promise<void> {
    const info = await this.get(signal)
    checkIn('group', names.group, info.groups)
    checkIn('pipeline', names.pipeline, info.pipelines)
    if (names.search) checkIn('search', names.search, info.searches)
    for (const label of names.labels ?? []) checkIn('labels', label, info.labels)
  }
}

/** The JSON body of `reply` as an object, or {@link GraceDbResponseError}. */
export function asRecord(reply: JsonReply): Record<string, unknown> {
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
