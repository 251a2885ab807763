import { CodedError, redactTokens } from '@gracedb-kafka/core'

/** Options accepted by every GraceDB client error. */
export interface GraceDbErrorOptions {
  /** The underlying error, kept as `error.cause`. */
  cause?: unknown
  /** A more specific stable code than the class default. */
  code?: string
  /** The graceid reserved before the failure, if any. */
  graceid?: string | undefined
}

/**
 * Base class of the errors raised by the GraceDB REST client. Carries a stable `code`, keeps `cause`, never
 * contains a token, and passes `instanceof` across two installed copies of the package.
 *
 * @example
 * ```ts
 * try { await client.createEvent('CBC', 'gstlal', 'coinc.xml') } catch (err) {
 *   if (err instanceof GraceDbError) console.error(err.code, err.message)
 * }
 * ```
 */
export class GraceDbError extends CodedError {
  static override readonly code: string = 'ERR_GRACEDB'
  /** The graceid that had been reserved when the error happened, if any. */
  readonly graceid: string | undefined

  constructor(message: string, options: GraceDbErrorOptions = {}) {
    super(message, { cause: options.cause, ...(options.code === undefined ? {} : { code: options.code }) })
    this.graceid = options.graceid
  }
}

/** Details of a failed HTTP exchange. */
export interface GraceDbHttpErrorDetails extends GraceDbErrorOptions {
  status: number
  method: string
  url: string
  /** GraceDB's own error message, extracted from the body. */
  serverMessage: string
  /** The raw body (truncated to 2000 characters, tokens redacted). */
  body: string
}

/**
 * GraceDB answered with an HTTP error status (the reference's `HTTPError`). `status` is the HTTP status and
 * `serverMessage` GraceDB's own explanation (for example `group: Object with name=Foo does not exist.`).
 * Codes: `ERR_GRACEDB_HTTP` (4xx other than below), `ERR_GRACEDB_UNAUTHORIZED` (401),
 * `ERR_GRACEDB_FORBIDDEN` (403), `ERR_GRACEDB_SERVER` (5xx, after retries).
 *
 * @example
 * ```ts
 * try { await client.createEvent('Nope', 'gstlal', 'coinc.xml', { validate: false }) } catch (err) {
 *   if (err instanceof GraceDbHttpError && err.status === 400) console.error(err.serverMessage)
 * }
 * ```
 */
export class GraceDbHttpError extends GraceDbError {
  static override readonly code: string = 'ERR_GRACEDB_HTTP'
  /** The HTTP status code. */
  readonly status: number
  /** The HTTP method of the failed request. */
  readonly method: string
  /** The URL of the failed request. */
  readonly url: string
  /** GraceDB's own error message. */
  readonly serverMessage: string
  /** The response body, truncated, tokens redacted. */
  readonly body: string

  constructor(message: string, details: GraceDbHttpErrorDetails) {
    super(message, { ...details, code: details.code ?? codeForStatus(details.status) })
    this.status = details.status
    this.method = details.method
    this.url = details.url
    this.serverMessage = redactTokens(details.serverMessage)
    this.body = redactTokens(details.body.slice(0, 2000))
  }
}

function codeForStatus(status: number): string {
  if (status === 401) return 'ERR_GRACEDB_UNAUTHORIZED'
  if (status === 403) return 'ERR_GRACEDB_FORBIDDEN'
  if (status >= 500) return 'ERR_GRACEDB_SERVER'
  return 'ERR_GRACEDB_HTTP'
}

/** Details of a reply that could not be understood. */
export interface GraceDbResponseErrorDetails extends GraceDbErrorOptions {
  status: number
  url: string
  contentType: string
  /** The first 200 characters of the body, tokens redacted. */
  snippet: string
}

/**
 * GraceDB answered with a success status but the body is not the JSON the client needs. Codes:
 * `ERR_GRACEDB_HTML_RESPONSE` (an HTML page, typically a login or proxy page), `ERR_GRACEDB_NOT_JSON` (anything
 * else that does not parse), `ERR_GRACEDB_BAD_RESPONSE` (JSON without the expected fields, e.g. no `graceid`).
 *
 * @example
 * ```ts
 * if (err instanceof GraceDbResponseError && err.code === 'ERR_GRACEDB_HTML_RESPONSE') console.error(err.snippet)
 * ```
 */
export class GraceDbResponseError extends GraceDbError {
  static override readonly code: string = 'ERR_GRACEDB_BAD_RESPONSE'
  /** The HTTP status code. */
  readonly status: number
  /** The URL that answered. */
  readonly url: string
  /** The reply's `content-type`. */
  readonly contentType: string
  /** The start of the body. */
  readonly snippet: string

  constructor(message: string, details: GraceDbResponseErrorDetails) {
    super(message, details)
    this.status = details.status
    this.url = details.url
    this.contentType = details.contentType
    this.snippet = redactTokens(details.snippet.slice(0, 200))
  }
}

/** Why an event file could not be used. */
export type EventFileProblem = 'missing' | 'unreadable' | 'empty' | 'no-contents'

/**
 * The event file could not be used. `reason` says why: `missing` (no such file, code
 * `ERR_GRACEDB_FILE_MISSING`), `unreadable` (permissions, a directory…, `ERR_GRACEDB_FILE_UNREADABLE`), `empty`
 * (zero bytes on disk, `ERR_GRACEDB_FILE_EMPTY`), `no-contents` (a filename given with empty `filecontents`,
 * `ERR_GRACEDB_FILE_NO_CONTENTS`).
 *
 * @example
 * ```ts
 * if (err instanceof GraceDbFileError) console.error(err.reason, err.path)
 * ```
 */
export class GraceDbFileError extends GraceDbError {
  static override readonly code: string = 'ERR_GRACEDB_FILE'
  /** Why the file could not be used. */
  readonly reason: EventFileProblem
  /** The filename as given. */
  readonly path: string

  constructor(message: string, details: { reason: EventFileProblem; path: string; cause?: unknown }) {
    super(message, {
      code: `ERR_GRACEDB_FILE_${details.reason.toUpperCase().replace('-', '_')}`,
      cause: details.cause,
    })
    this.reason = details.reason
    this.path = details.path
  }
}

/**
 * GraceDB could not be reached (connection refused, reset, DNS, timeout), after the bounded retries.
 *
 * @example
 * ```ts
 * if (err instanceof GraceDbConnectionError) console.error('is GraceDB up?', err.message)
 * ```
 */
export class GraceDbConnectionError extends GraceDbError {
  static override readonly code: string = 'ERR_GRACEDB_CONNECTION'
}

/**
 * The server does not offer what was asked for: the v2 API is required (reservation, reserved upload), or the
 * API root lacks the needed template (the reference's `NotImplementedError`). Code `ERR_GRACEDB_NOT_SUPPORTED`.
 *
 * @example
 * ```ts
 * if (err instanceof GraceDbNotSupportedError) console.error('use apiVersion: "v2"')
 * ```
 */
export class GraceDbNotSupportedError extends GraceDbError {
  static override readonly code: string = 'ERR_GRACEDB_NOT_SUPPORTED'
}

/**
 * The graceid that had been reserved when `err` was raised by `createEvent`, if any. Works for
 * {@link GraceDbError}s and for the Kafka errors that `createEvent` re-throws (they get a `graceid` property).
 *
 * @example
 * ```ts
 * try { await client.createEvent('CBC', 'gstlal', 'coinc.xml', { kafka: producer }) } catch (err) {
 *   const graceid = reservedGraceId(err) // e.g. 'G123', to retry with client.uploadReservedEvent(graceid, …)
 * }
 * ```
 */
export function reservedGraceId(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const id = (err as { graceid?: unknown }).graceid
  return typeof id === 'string' ? id : undefined
}

/** Attach `graceid` to an error thrown after a reservation, so the caller can complete the upload. */
export function attachGraceId(err: unknown, graceid: string): unknown {
  if (typeof err === 'object' && err !== null && reservedGraceId(err) === undefined) {
    try {
      Object.defineProperty(err, 'graceid', { value: graceid, enumerable: true, configurable: true })
    } catch {
      // frozen error: leave it as it is
    }
  }
  return err
}
