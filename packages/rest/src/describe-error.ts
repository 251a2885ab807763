import { errorChain, redactTokens } from '@gracedb-kafka/core'

/**
 * One line describing an error and its causes (core's `errorChain`): the messages joined by `: `, each with
 * its `code` when the message does not already name it, repeats dropped, tokens redacted.
 *
 * @example
 * ```ts
 * describeError(new Error('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) }))
 * // 'fetch failed: read ECONNRESET'
 * ```
 */
export function describeError(err: unknown): string {
  const chain = errorChain(err)
  if (chain.length === 0) return redactTokens(err === undefined ? 'unknown error' : String(err))
  const parts: string[] = []
  for (const e of chain.slice(0, 4)) {
    const code = (e as { code?: unknown }).code
    const message = typeof e.message === 'string' && e.message.length > 0 ? e.message : String(e)
    const part = typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message
    if (!parts.includes(part)) parts.push(part)
  }
  return redactTokens(parts.join(': '))
}
