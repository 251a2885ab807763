import { InvalidOptionError, MAX_TIMER_MS, parseOptions, serviceAudience } from '@gracedb-kafka/core'
import { z } from 'zod'
import { DEFAULT_RETRY_POLICY } from './retry-policy.js'

/** Options of `new GraceDb(serviceUrl, options)`. Durations are in seconds, as in the Python reference. */
export interface GraceDbOptionsInput {
  /** API version, e.g. `'v2'` (needed for the Kafka path). Omitted or `'default'`: the unversioned API. */
  apiVersion?: string | undefined
  /** Send no credentials at all (default `false`). */
  forceNoauth?: boolean | undefined
  /** Fail when no SciToken can be found instead of sending the request without one (default `false`). */
  failIfNoauth?: boolean | undefined
  /** Scope the SciToken must carry (default `'gracedb.read'`, as the reference asks for). */
  tokenScope?: string | undefined
  /** Audience the SciToken must carry (default `<scheme>://<hostname>` of the service URL). */
  tokenAudience?: string | undefined
  /** Seconds before `exp` at which the cached token is re-read from disk (default 300). */
  reloadBuffer?: number | undefined
  /** Retries after the first attempt on 502/503/504 and connection resets (default 5). */
  retries?: number | undefined
  /** Exponential backoff factor in seconds (default 0.1: 0.1, 0.2, 0.4 … s). */
  backoffFactor?: number | undefined
  /** HTTP statuses retried (default `[502, 503, 504]`). */
  retryCodes?: number[] | undefined
  /** Total seconds one call may spend retrying (default 30). */
  retryTimeout?: number | undefined
  /** Seconds one HTTP attempt may take (default 60). */
  requestTimeout?: number | undefined
  /** Check group, pipeline, search and labels against the server's lists before sending (default `true`). */
  validate?: boolean | undefined
  /** Environment used for SciToken discovery (default `process.env`). */
  env?: NodeJS.ProcessEnv | undefined
  /**
   * A `fetch` implementation that then sends every request, e.g. one bound to an undici dispatcher with a CA. By
   * default, form-encoded and body-less requests go through undici's `request()` on a keep-alive connection pool of
   * the client's own (closed by `close()`), and multipart uploads, redirects and proxied requests through the
   * global `fetch`.
   */
  fetch?: typeof fetch | undefined
}

/** Options after parsing. */
export interface GraceDbOptions {
  apiVersion: string | undefined
  forceNoauth: boolean
  failIfNoauth: boolean
  tokenScope: string
  tokenAudience: string | undefined
  reloadBuffer: number
  retries: number
  backoffFactor: number
  retryCodes: number[]
  retryTimeout: number
  requestTimeout: number
  validate: boolean
  env: NodeJS.ProcessEnv | undefined
  fetch: typeof fetch | undefined
}

/** The longest duration in seconds a Node timer can wait (about 24.8 days); longer values are capped to it. */
const MAX_SECONDS = MAX_TIMER_MS / 1000

/**
 * A duration in seconds, validated as core's options and `secondsToMs` do: a finite number >= 0 (> 0 with
 * `positive`), capped at the longest Node timer so "very long" never becomes a `RangeError` or a 1 ms timer.
 */
const seconds = (fallback: number, positive = false) =>
  z
    .number({ error: 'expected a number of seconds' })
    .finite({ error: 'expected a finite number of seconds' })
    .refine((v) => (positive ? v > 0 : v >= 0), {
      error: positive ? 'expected a number of seconds > 0' : 'expected a number of seconds >= 0',
    })
    .transform((v) => Math.min(v, MAX_SECONDS))
    .default(fallback)

const bool = (fallback: boolean) => z.boolean({ error: 'expected true or false' }).default(fallback)

const schema = z.strictObject({
  apiVersion: z.string({ error: 'expected an API version such as "v2"' }).min(1).optional(),
  forceNoauth: bool(false),
  failIfNoauth: bool(false),
  tokenScope: z.string({ error: 'expected a scope string' }).min(1).default('gracedb.read'),
  tokenAudience: z.string({ error: 'expected an audience string' }).min(1).optional(),
  reloadBuffer: seconds(300),
  retries: z
    .number({ error: 'expected a whole number of retries' })
    .int({ error: 'expected a whole number of retries' })
    .nonnegative({ error: 'expected a number of retries >= 0' })
    .default(DEFAULT_RETRY_POLICY.retries),
  backoffFactor: seconds(DEFAULT_RETRY_POLICY.backoffFactor),
  retryCodes: z
    .array(z.number().int().min(100).max(599), { error: 'expected a list of HTTP status codes' })
    .default([...DEFAULT_RETRY_POLICY.retryCodes]),
  retryTimeout: seconds(DEFAULT_RETRY_POLICY.retryTimeout),
  requestTimeout: seconds(60, true),
  validate: bool(true),
  env: z.record(z.string(), z.string().optional(), { error: 'expected an environment object' }).optional(),
  fetch: z.custom<typeof fetch>((v) => typeof v === 'function', 'expected a fetch function').optional(),
})

/**
 * Parse and default {@link GraceDbOptionsInput}. Anything but an options object (`null` included) is an
 * `InvalidOptionError` with `option` `'(options)'`, as the producer's; a bad or mistyped key is one whose `option`
 * is that exact key (with a "did you mean" when a known key is close). Durations must be finite seconds >= 0
 * (`requestTimeout` > 0) and are capped at the longest Node timer (2147483.647 s).
 *
 * @example
 * ```ts
 * parseGraceDbOptions({ apiVersion: 'v2' }).tokenScope // 'gracedb.read'
 * parseGraceDbOptions({ requestTimeout: 1e7 }).requestTimeout // 2147483.647 (capped)
 * parseGraceDbOptions({ requestTimeOut: 5 } as never) // throws InvalidOptionError, option 'requestTimeOut'
 * ```
 */
export function parseGraceDbOptions(input: GraceDbOptionsInput = {}): GraceDbOptions {
  const o = parseOptions(schema, input, 'GraceDb')
  if (o.forceNoauth && o.failIfNoauth) {
    throw new InvalidOptionError('forceNoauth', 'cannot select both forceNoauth and failIfNoauth')
  }
  return {
    apiVersion: o.apiVersion,
    forceNoauth: o.forceNoauth,
    failIfNoauth: o.failIfNoauth,
    tokenScope: o.tokenScope,
    tokenAudience: o.tokenAudience,
    reloadBuffer: o.reloadBuffer,
    retries: o.retries,
    backoffFactor: o.backoffFactor,
    retryCodes: o.retryCodes,
    retryTimeout: o.retryTimeout,
    requestTimeout: o.requestTimeout,
    validate: o.validate,
    env: o.env as NodeJS.ProcessEnv | undefined,
    fetch: o.fetch,
  }
}

/**
 * The SciToken audience GraceDB expects for a service URL, as igwn-auth-utils derives it:
 * `<scheme>://<hostname>` without port or path (core's `serviceAudience`, under the REST client's name).
 *
 * @example
 * ```ts
 * gracedbAudience('https://gracedb-test.ligo.org/api/') // 'https://gracedb-test.ligo.org'
 * ```
 */
export function gracedbAudience(serviceUrl: string): string {
  return serviceAudience(serviceUrl)
}
