import { createOAuthCallback, decodeToken } from '@gracedb-kafka/auth'
import type { BootstrapServersInput } from '@gracedb-kafka/core'
import type { Output } from '../output.js'

/** What `gracedb-kafka token` prints: everything about the token except the token itself. */
export interface TokenSummary {
  source: string
  sub: string | undefined
  iss: string | undefined
  aud: string | string[] | undefined
  scope: string | undefined
  exp: string | undefined
  expiresInSeconds: number | undefined
}

/**
 * `gracedb-kafka token`: find the token discovery would use and show where it came from, its `sub`, `iss`,
 * `aud`, `scope`, `exp` and the time left. `--scope` and `--audience` check it against a need. Never prints the
 * token. Fails (exit 1, with an htgettoken hint) when no usable token exists.
 *
 * @example
 * ```ts
 * await token(out, { broker: 'localhost:9092', scope: 'kafka.produce' })
 * ```
 */
export async function token(
  out: Output,
  opts: {
    /** The broker(s), as the command resolved them; the first one's host is the default audience. */
    broker: BootstrapServersInput
    scope?: string | undefined
    audience?: string | undefined
    /** Environment for discovery (default `process.env`). */
    env?: NodeJS.ProcessEnv | undefined
  },
): Promise<void> {
  // With --scope or --audience the token must really meet the need (no expiry-only fallback); without them,
  // show whatever discovery finds, as the producer's fallback would.
  const strict = opts.scope !== undefined || opts.audience !== undefined
  const found = await createOAuthCallback(opts.broker, {
    scope: opts.scope ?? '',
    ...(opts.audience === undefined ? {} : { audience: opts.audience }),
    fallback: !strict,
    ...(opts.env === undefined ? {} : { env: opts.env }),
  })()
  const claims = decodeToken(found.value, found.source) as Record<string, unknown>
  const exp = typeof claims.exp === 'number' ? claims.exp : undefined
  const summary: TokenSummary = {
    source: found.source,
    sub: typeof claims.sub === 'string' ? claims.sub : undefined,
    iss: typeof claims.iss === 'string' ? claims.iss : undefined,
    aud: claims.aud as string | string[] | undefined,
    scope: typeof claims.scope === 'string' ? claims.scope : undefined,
    exp: exp === undefined ? undefined : new Date(exp * 1000).toISOString(),
    expiresInSeconds: exp === undefined ? undefined : Math.round(exp - Date.now() / 1000),
  }
  out.data(summary, (s) =>
    [
      `source:  ${s.source}`,
      `sub:     ${s.sub ?? '-'}`,
      `iss:     ${s.iss ?? '-'}`,
      `aud:     ${Array.isArray(s.aud) ? s.aud.join(' ') : (s.aud ?? '-')}`,
      `scope:   ${s.scope ?? '-'}`,
      `exp:     ${s.exp ?? '-'} (${s.expiresInSeconds ?? '?'} s left)`,
    ].join('\n'),
  )
}
