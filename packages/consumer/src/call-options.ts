import { InvalidOptionError, secondsToMs } from '@gracedb-kafka/core'
import type { GraceDbStreamOptions } from './gracedb-message.js'

/** Options of `GraceDbKafkaConsumer.poll`. */
export interface PollOptions {
  /** Seconds to wait for a message (default 1.0); a negative value waits without limit. */
  timeout?: number | undefined
}

/** Options of `GraceDbKafkaConsumer.stream`. */
export interface StreamOptions {
  /** Seconds per wait (default 1.0): a stop request is noticed within this time at the latest. */
  timeout?: number | undefined
  /** Most messages to yield (a whole number from 0 to `Number.MAX_SAFE_INTEGER`); without it the stream runs until stopped. */
  count?: number | undefined
  /** Ends the stream (without an error) when aborted. */
  signal?: AbortSignal | undefined
}

/** Parsed {@link StreamOptions}: the wait in ms (`Infinity`: no limit). */
export interface StreamSettings {
  waitMs: number
  count: number | undefined
  signal: AbortSignal | undefined
  /** Yield GraceDB uploads only (see `GraceDbStreamOptions`). */
  gracedb: boolean
  onInvalid: GraceDbStreamOptions['onInvalid']
}

/**
 * A `poll()`/`stream()` timeout in ms (default 1 s). Any negative number waits without limit, as documented
 * (core's `secondsToMs` takes only -1 for that, so other negatives are mapped to -1 first).
 */
function waitMs(value: unknown): number {
  if (value === undefined) return 1000
  const seconds = typeof value === 'number' && value < 0 ? -1 : value
  return secondsToMs(seconds as number, 'timeout', { forever: true }) ?? Number.POSITIVE_INFINITY
}

function plainObject(value: unknown, call: string): Record<string, unknown> {
  if (value === undefined) return {}
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError('(options)', `${call}: expected an options object or nothing`)
  }
  return value as Record<string, unknown>
}

function onlyKeys(options: Record<string, unknown>, keys: readonly string[], call: string): void {
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) {
      throw new InvalidOptionError(key, `${call}: unknown option "${key}" (known: ${keys.join(', ')})`)
    }
  }
}

/**
 * Validate `poll()`'s options; throws `InvalidOptionError` naming the bad one.
 *
 * @example
 * ```ts
 * parsePollOptions({ timeout: 0.5 }) // 500
 * ```
 */
export function parsePollOptions(options: unknown): number {
  const o = plainObject(options, 'poll()')
  onlyKeys(o, ['timeout'], 'poll()')
  return waitMs(o.timeout)
}

/**
 * Validate `stream()`'s options; throws `InvalidOptionError` naming the bad one.
 *
 * @example
 * ```ts
 * parseStreamOptions({ count: 10 }).count // 10
 * ```
 */
export function parseStreamOptions(options: unknown): StreamSettings {
  const o = plainObject(options, 'stream()')
  onlyKeys(o, ['timeout', 'count', 'signal', 'gracedb', 'onInvalid'], 'stream()')
  const count = o.count
  if (count !== undefined && (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0)) {
    throw new InvalidOptionError(
      'count',
      'stream(): option "count": expected a whole number from 0 to 9007199254740991 (Number.MAX_SAFE_INTEGER)',
    )
  }
  const signal = o.signal
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidOptionError('signal', 'stream(): option "signal": expected an AbortSignal')
  }
  if (o.gracedb !== undefined && typeof o.gracedb !== 'boolean') {
    throw new InvalidOptionError('gracedb', 'stream(): option "gracedb": expected true or false')
  }
  if (o.onInvalid !== undefined && typeof o.onInvalid !== 'function') {
    throw new InvalidOptionError('onInvalid', 'stream(): option "onInvalid": expected a function')
  }
  return {
    waitMs: waitMs(o.timeout),
    count,
    signal,
    gracedb: o.gracedb === true,
    onInvalid: o.onInvalid as StreamSettings['onInvalid'],
  }
}
