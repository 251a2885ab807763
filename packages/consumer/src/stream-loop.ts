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
  /**
   * A buffered entry without waiting, or `undefined` (the fast path of a busy stream: no promise per message).
   * Hosts without it are always asked through {@link next}.
   */
  tryNext?(): BufferedEntry | undefined
  /** The caller is done with `entry`: its offset may be committed. */
  handedOut(entry: BufferedEntry): void
  /** Register a stop request handler (`stop()`); returns its removal. */
  onStop(end: () => void): () => void
  /** The loop ended: the final auto-commit. */
  finish(): Promise<void>
}

/** Turns a buffered entry into what the stream yields. */
export type EntryMapper<T> = (entry: BufferedEntry) => T

const asEntry: EntryMapper<BufferedEntry> = (entry) => entry

/**
 * The loop behind `stream()`: yield entries (or what `map` makes of them) until `count` were yielded, `stop()`,
 * the signal, SIGINT or SIGTERM. An entry counts as handed out when the loop is asked for the next one (after
 * the caller's loop body ran) or when the loop ends; the previous SIGINT/SIGTERM handlers are put back when it
 * finishes. Mapping here, in the one generator the caller iterates, saves a generator layer (and its promises)
 * per message; while entries are buffered, none is awaited.
 *
 * @example
 * ```ts
 * for await (const entry of streamEntries(host, { waitMs: 1000, count: 10, signal: undefined })) use(entry)
 * for await (const msg of streamEntries(host, settings, (e) => decodeMessage(e.topic, e.partition, e.message)))
 *   use(msg)
 * ```
 */
export function streamEntries(
  host: StreamHost,
  settings: StreamSettings,
): AsyncGenerator<BufferedEntry, void, undefined>
export function streamEntries<T>(
  host: StreamHost,
  settings: StreamSettings,
  map: EntryMapper<T>,
): AsyncGenerator<T, void, undefined>
export function streamEntries<T>(
  host: StreamHost,
  settings: StreamSettings,
  map?: EntryMapper<T>,
): AsyncGenerator<T | BufferedEntry, void, undefined> {
  return loop<T | BufferedEntry>(host, settings, map ?? asEntry)
}

async function* loop<T>(
  host: StreamHost,
  settings: StreamSettings,
  map: EntryMapper<T>,
): AsyncGenerator<T, void, undefined> {
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
      const entry = host.tryNext?.() ?? (await host.next(waitMs, wake.signal))
      if (entry === null) continue
      pending = entry
      yielded++
      yield map(entry)
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
