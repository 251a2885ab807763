import { InvalidOptionError, KafkaTokenError } from '@gracedb-kafka/core'
import { GraceDbHttpError } from './errors.js'

/**
 * Labels as the reference sends them: one string becomes a one-item list, a list is kept as given (an empty list
 * stays `[]`), nothing is `null`. Every label must be a non-empty string.
 */
export function normaliseLabels(labels: string | string[] | undefined | null): string[] | null {
  if (labels === undefined || labels === null) return null
  const list = typeof labels === 'string' ? [labels] : labels
  if (!Array.isArray(list) || list.some((l) => typeof l !== 'string' || l.length === 0)) {
    throw new InvalidOptionError(
      'labels',
      'labels must be a non-empty string or an array of non-empty strings',
    )
  }
  return [...list]
}

/**
 * Throw {@link InvalidOptionError} (option `serviceUrl`) unless `value` is an absolute http(s) URL without a user
 * name or password: the URL is sent as `gracedb_server` in every Kafka message, and GraceDB authenticates with a
 * SciToken. An input holding `@` is never echoed.
 *
 * @example
 * ```ts
 * checkServiceUrl('https://gracedb-test.ligo.org/api/') // fine
 * checkServiceUrl('https://user:pw@gracedb-test.ligo.org/api/') // throws, without the password
 * ```
 */
export function checkServiceUrl(value: unknown): asserts value is string {
  if (typeof value !== 'string') {
    throw new InvalidOptionError(
      'serviceUrl',
      'serviceUrl must be a string such as "https://gracedb.ligo.org/api/"',
    )
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    const shown = value.includes('@') ? '(not shown: it holds "@")' : JSON.stringify(value.slice(0, 200))
    throw new InvalidOptionError('serviceUrl', `serviceUrl must be an absolute URL, got ${shown}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidOptionError('serviceUrl', `serviceUrl must be http(s), got "${url.protocol}"`)
  }
  if (url.username !== '' || url.password !== '') {
    throw new InvalidOptionError(
      'serviceUrl',
      'serviceUrl must not carry a user name or password (GraceDB authenticates with a SciToken, and the URL is sent in every Kafka message)',
    )
  }
}

/** Throw {@link InvalidOptionError} unless `value` is a non-empty string. */
export function requireString(option: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidOptionError(option, `${option} must be a non-empty string`)
  }
}

/** The argument checks of `createEvent` that need no server (the reference's `TypeError`s). */
export function checkCreateEventArgs(
  group: unknown,
  pipeline: unknown,
  opts: { offline?: unknown; replayId?: unknown },
): void {
  requireString('group', group)
  requireString('pipeline', pipeline)
  if (opts.offline !== undefined && typeof opts.offline !== 'boolean') {
    throw new InvalidOptionError('offline', 'offline must be a boolean')
  }
  if (opts.replayId !== undefined && typeof opts.replayId !== 'string') {
    throw new InvalidOptionError('replayId', 'replayId must be a string')
  }
}

/** Throw unless `value` is in the server's list `known` (skipped when the server gives no list). */
export function checkIn(option: string, value: string, known: unknown): void {
  if (!Array.isArray(known)) return
  if (known.includes(value)) return
  const what = option === 'labels' ? 'label' : option
  throw new InvalidOptionError(
    option,
    `unknown ${what} "${value}"; this GraceDB server knows: ${known.slice(0, 40).join(', ')}`,
  )
}

/** A 401/403 from GraceDB, or no SciToken with `failIfNoauth`: an HTTP fallback cannot fix credentials. */
export function isAuthFailure(err: unknown): boolean {
  return (
    (err instanceof GraceDbHttpError && (err.status === 401 || err.status === 403)) ||
    err instanceof KafkaTokenError
  )
}
