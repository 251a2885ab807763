import { InvalidOptionError } from '@gracedb-kafka/core'
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
  /** A `fetch` implementation (default the global one), e.g. one bound to an undici dispatcher with a CA. */
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

const schema = z.strictObject({
  apiVersion: z.string().min(1).optional(),
  forceNoauth: z.boolean().default(false),
  failIfNoauth: z.boolean().default(false),
  tokenScope: z.string().min(1).default('gracedb.read'),
  tokenAudience: z.string().min(1).optional(),
  reloadBuffer: z.number().nonnegative().default(300),
  retries: z.number().int().nonnegative().default(DEFAULT_RETRY_POLICY.retries),
  backoffFactor: z.number().nonnegative().default(DEFAULT_RETRY_POLICY.backoffFactor),
  retryCodes: z.array(z.number().int().min(100).max(599)).default([...DEFAULT_RETRY_POLICY.retryCodes]),
  retryTimeout: z.number().nonnegative().default(DEFAULT_RETRY_POLICY.retryTimeout),
  requestTimeout: z.number().positive().default(60),
  validate: z.boolean().default(true),
  env: z.record(z.string(), z.string().optional()).optional(),
  fetch: z.custom<typeof fetch>((v) => typeof v === 'function', 'expected a fetch function').optional(),
})

/**
 * Parse and default {@link GraceDbOptionsInput}; a bad option throws `InvalidOptionError` naming it.
 *
 * @example
 * ```ts
 * parseGraceDbOptions({ apiVersion: 'v2' }).tokenScope // 'gracedb.read'
 * ```
 */
export function parseGraceDbOptions(input: GraceDbOptionsInput = {}): GraceDbOptions {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined))
  const result = schema.safeParse(defined)
  if (!result.success) {
    const issue = result.error.issues[0]
    const option =
      issue?.path.join('.') || (issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'options')
    throw new InvalidOptionError(option, `invalid GraceDb option "${option}": ${issue?.message ?? 'invalid'}`)
  }
  const o = result.data
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
 * `<scheme>://<hostname>` without port or path.
 *
 * @example
 * ```ts
 * gracedbAudience('https://gracedb-test.ligo.org/api/') // 'https://gracedb-test.ligo.org'
 * ```
 */
export function gracedbAudience(serviceUrl: string): string {
  const u = new URL(serviceUrl)
  return `${u.protocol}//${u.hostname}`
}
