import { redactTokens } from '@gracedb-kafka/core'
import { describeError } from './describe-error.js'

/**
 * Emit the `GraceDbFallbackWarning` (code `GRACEDB_HTTP_FALLBACK`) that says why `createEvent` left the Kafka
 * path; the text is redacted, so a token echoed in an error never reaches the warning.
 *
 * @example
 * ```ts
 * warnFallback('Kafka delivery failed after graceid reservation', err, 'falling back to uploadReservedEvent via HTTP')
 * ```
 */
export function warnFallback(what: string, err: unknown, next: string): void {
  process.emitWarning(redactTokens(`${what} (${describeError(err)}); ${next}.`), {
    type: 'GraceDbFallbackWarning',
    code: 'GRACEDB_HTTP_FALLBACK',
  })
}
