import { InvalidOptionError } from './errors.js'

/** The longest delay Node's timers accept (2**31-1 ms, about 24.8 days); a longer one fires after 1 ms. */
export const MAX_TIMER_MS: number = 2 ** 31 - 1

/** Options of {@link secondsToMs}. */
export interface SecondsToMsOptions {
  /** Accept `-1`, meaning "wait forever" (returned as `undefined`). */
  forever?: boolean
}

/**
 * Validate a duration in seconds (as the Python reference takes them) and convert it to a delay for
 * `setTimeout`. The result is capped at {@link MAX_TIMER_MS}: Node fires a timer whose delay is larger
 * (including `Infinity`) after 1 ms, which would turn "wait a very long time" into "do not wait".
 *
 * @param value - seconds: a finite number >= 0 (or `Infinity`, treated as the cap); `-1` too with `forever`.
 * @param option - the option or argument name, used in the error.
 * @returns the delay in ms, or `undefined` for `-1` with `forever` (wait without a timer).
 * @throws {@link InvalidOptionError} naming `option` for anything else (NaN, a negative number, a non-number).
 * @example
 * ```ts
 * secondsToMs(1.5, 'timeout') // 1500
 * secondsToMs(1e9, 'timeout') // 2147483647 (capped)
 * secondsToMs(-1, 'timeout', { forever: true }) // undefined: wait forever
 * ```
 */
export function secondsToMs(
  value: number,
  option: string,
  opts: SecondsToMsOptions = {},
): number | undefined {
  if (opts.forever && value === -1) return undefined
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new InvalidOptionError(
      option,
      `option "${option}": expected a number of seconds >= 0${opts.forever ? ' (or -1 to wait forever)' : ''}`,
    )
  }
  return Math.min(Math.ceil(value * 1000), MAX_TIMER_MS)
}
