import { type BootstrapServersInput, parseOptions } from '@gracedb-kafka/core'
import { z } from 'zod'
import { audienceFromBroker } from './broker-audience.js'
import type { ResolvedRequest } from './discover.js'
import { parseRequestedScopes } from './scope.js'

/**
 * The scope ligo-gracedb's auth helpers require by default (the spec's `scope='kafka.produce'`).
 *
 * @example
 * ```ts
 * await getScitokenForKafka(broker, { scope: DEFAULT_SCOPE }) // same as omitting scope
 * ```
 */
export const DEFAULT_SCOPE = 'kafka.produce'

/**
 * igwn-auth-utils' default `timeleft`: seconds a token must have left to be accepted by the strict pass.
 *
 * @example
 * ```ts
 * await getScitokenForKafka(broker, { minLifetime: 2 * DEFAULT_MIN_LIFETIME })
 * ```
 */
export const DEFAULT_MIN_LIFETIME = 60

/**
 * ligo-gracedb's default `refresh_buffer` / `reload_buffer`, in seconds.
 *
 * @example
 * ```ts
 * new SciTokenRefreshManager(broker, { refreshBuffer: DEFAULT_REFRESH_BUFFER })
 * ```
 */
export const DEFAULT_REFRESH_BUFFER = 300

/**
 * What to look for. Every field is optional.
 *
 * @example
 * ```ts
 * const req: TokenRequest = { scope: 'kafka.consume', audience: 'kafka.ligo.org', minLifetime: 120 }
 * ```
 */
export interface TokenRequest {
  /** Space-separated scopes the token must grant (SciToken `authz[:path]`). Default `"kafka.produce"`; `""` requires none. */
  scope?: string | undefined
  /** Audience the token's `aud` must contain (or `ANY`). Default: the broker's hostname. */
  audience?: string | undefined
  /** Seconds the token must have left to pass the strict check. Default 60 (igwn-auth-utils' `timeleft`). */
  minLifetime?: number | undefined
  /** Environment to read `SCITOKEN`, `BEARER_TOKEN`, … from. Default `process.env`, read at each call. */
  env?: NodeJS.ProcessEnv | undefined
  /**
   * When no token passes the audience/scope/lifetime checks, accept the WLCG bearer token (`BEARER_TOKEN`,
   * `BEARER_TOKEN_FILE`, `bt_u<euid>`) if it merely has not expired, as ligo-gracedb's direct-read fallback does.
   * Default `true`. Set `false` to insist on a matching audience and scope.
   */
  fallback?: boolean | undefined
}

const envSchema = z.custom<NodeJS.ProcessEnv>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  {
    error: 'expected an environment object such as process.env',
  },
)

const requestSchema = z.object({
  scope: z.string({ error: 'expected a space-separated scope string such as "kafka.produce"' }).optional(),
  audience: z
    .string({ error: 'expected an audience string' })
    .min(1, 'expected a non-empty audience')
    .optional(),
  minLifetime: z
    .number({ error: 'expected a number of seconds' })
    .min(0, 'expected a number of seconds >= 0')
    .optional(),
  env: envSchema.optional(),
  fallback: z.boolean({ error: 'expected true or false' }).optional(),
  refreshBuffer: z
    .number({ error: 'expected a number of seconds' })
    .min(0, 'expected a number of seconds >= 0')
    .optional(),
})

type ParsedRequest = z.infer<typeof requestSchema>

/** Validate a request once; returns a resolver that snapshots `env` lazily (at each discovery). */
export function resolveRequest(
  brokerUrl: BootstrapServersInput,
  req: TokenRequest & { refreshBuffer?: number | undefined },
  owner: string,
): { resolve: () => ResolvedRequest; refreshBuffer: number; audience: string; scope: string } {
  const parsed: ParsedRequest = parseOptions(requestSchema, req ?? {}, owner)
  const audience = parsed.audience ?? audienceFromBroker(brokerUrl)
  const scope = parsed.scope ?? DEFAULT_SCOPE
  const scopes = parseRequestedScopes(scope)
  const minLifetime = parsed.minLifetime ?? DEFAULT_MIN_LIFETIME
  const fallback = parsed.fallback ?? true
  const env = parsed.env
  return {
    audience,
    scope,
    refreshBuffer: parsed.refreshBuffer ?? DEFAULT_REFRESH_BUFFER,
    resolve: () => ({ audience, scope, scopes, minLifetime, fallback, env: env ?? process.env }),
  }
}
