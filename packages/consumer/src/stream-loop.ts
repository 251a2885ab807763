import { setImmediate as nextTurn } from 'node:timers/promises'
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

/**
 * How many buffered entries the loop yields in a row before it lets the event loop run once. Taking buffered
 * entries needs no I/O, so a busy stream would otherwise run as one long chain of microtasks until the buffer is
 * empty, and only then read the socket: the broker (whose send buffer is small) could not send the next fetch
 * response while the caller works, and kafkajs could not ask for the one after. A turn every 64 messages keeps
 * fetching going alongside the caller (as librdkafka's fetch thread does) and lets timers (heartbeats,
 * auto-commit) run, for about one `setImmediate` per 64 messages.
 */
const TURN_EVERY = 64

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
  let inRow = 0
  try {
    if (running) {
      await host.ensureStarted().catch((err: unknown) => {
        if (running) throw err // a stream stopped (or closed) while joining just ends
      })
    }
    while (running && (count === undefined || yielded < count)) {
      if (inRow >= TURN_EVERY) {
        // before taking the next entry, so that one taken is never held across a turn (a rebalance in it would
        // make it stale); a stop requested meanwhile ends the loop here
        inRow = 0
        await nextTurn()
        continue
      }
      host.check()
      let entry: BufferedEntry | null | undefined = host.tryNext?.()
      if (entry !== undefined) inRow++
      else {
        inRow = 0
        entry = await host.next(waitMs, wake.signal)
      }
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
