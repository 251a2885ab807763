import type { BufferedEntry } from './back-pressure.js'
import type { StreamSettings } from './call-options.js'
import { onStopSignal } from './signals.js'

/** What {@link streamEntries} needs from the consumer. */
export interface StreamHost {
  /** Join the group if not yet done. */
  ensureStarted(): Promise<unknown>
  /** Throw the consumer's fatal error, if any. */
  check(): void
  /** The next buffered entry, waiting up to `waitMs` (`null`: none, or `signal` aborted). */
  next(waitMs: number, signal: AbortSignal): Promise<BufferedEntry | null>
  /** The caller is done with `entry`: its offset may be committed. */
  handedOut(entry: BufferedEntry): void
  /** Register a stop request handler (`stop()`); returns its removal. */
  onStop(end: () => void): () => void
  /** The loop ended: the final auto-commit. */
  finish(): Promise<void>
}

/**
 * The loop behind `stream()`: yield entries until `count` were yielded, `stop()`, the signal, SIGINT or
 * SIGTERM. An entry counts as handed out when the loop is asked for the next one (after the caller's loop body
 * ran) or when the loop ends; the previous SIGINT/SIGTERM handlers are put back when it finishes.
 *
 * @example
 * ```ts
 * for await (const entry of streamEntries(host, { waitMs: 1000, count: 10, signal: undefined })) use(entry)
 * ```
 */
export async function* streamEntries(
  host: StreamHost,
  settings: StreamSettings,
): AsyncGenerator<BufferedEntry, void, undefined> {
  const { waitMs, count, signal: external } = settings
  const wake = new AbortController()
  let running = true
  const end = (): void => {
    running = false
    wake.abort()
  }
  const removeStopper = host.onStop(end)
  const release = onStopSignal(end)
  external?.addEventListener('abort', end, { once: true })
  if (external?.aborted) end()
  let pending: BufferedEntry | undefined
  let yielded = 0
  try {
    if (running) {
      await host.ensureStarted().catch((err: unknown) => {
        if (running) throw err // a stream stopped (or closed) while joining just ends
      })
    }
    while (running && (count === undefined || yielded < count)) {
      host.check()
      const entry = await host.next(waitMs, wake.signal)
      if (entry === null) continue
      pending = entry
      yielded++
      yield entry
      host.handedOut(entry)
      pending = undefined
    }
  } finally {
    if (pending !== undefined) host.handedOut(pending)
    release()
    removeStopper()
    external?.removeEventListener('abort', end)
    await host.finish()
  }
}
