import { redactTokens } from '@gracedb-kafka/core'

/** Two or more long base64url runs joined by dots: what a token pasted into a path variable looks like. */
const TOKENISH = /[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}(?:\.[A-Za-z0-9_-]*)?/g

/**
 * Make a user-supplied string (a path, a variable value used as a path) safe to put in an error message or
 * `error.source`: a token pasted by mistake into `BEARER_TOKEN_FILE` must not come back out in the error.
 */
export function safeText(text: string, max = 300): string {
  const cleaned = redactTokens(text).replace(TOKENISH, '[REDACTED-TOKEN]')
  return cleaned.length > max ? `${cleaned.slice(0, max)}…` : cleaned
}

/** Render a Unix timestamp (seconds) as the reference does: `2026-09-25 14:03:07 UTC`. */
export function formatTimestamp(seconds: number): string {
  const date = new Date(seconds * 1000)
  if (Number.isNaN(date.getTime())) return String(seconds)
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}
