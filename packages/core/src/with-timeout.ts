/** Options of {@link withTimeout}. */
export interface WithTimeoutOptions {
  /** Stop waiting when this signal aborts: the promise rejects with `abortError()` (default: the signal's reason). */
  signal?: AbortSignal | undefined
  /** The error to reject with when `signal` aborts. */
  abortError?: (() => unknown) | undefined
}

/**
 * Wait for `work`, but at most `ms` milliseconds: then settle with `onTimeout()` instead (its return value
 * resolves the promise; an error it throws rejects it). `work` is not cancelled and goes on in the background;
 * a rejection it has after the timeout is ignored. The timer is always cleared, so nothing is kept alive.
 * A non-finite `ms` (e.g. `Infinity`) waits for `work` without a timer.
 *
 * @example
 * ```ts
 * // give up on a slow disconnect after 250 ms, without an error
 * await withTimeout(producer.disconnect(), 250, () => undefined)
 * // fail a connect that takes longer than 10 s
 * await withTimeout(producer.connect(), 10_000, () => {
 *   throw new KafkaConnectionError('Could not connect within 10s')
 * })
 * ```
 */
export function withTimeout<T, F = never>(
  work: PromiseLike<T>,
  ms: number,
  onTimeout: () => F,
  options: WithTimeoutOptions = {},
): Promise<T | F> {
  const { signal, abortError } = options
  return new Promise<T | F>((resolve, reject) => {
    let done = false
    const timer = Number.isFinite(ms)
      ? setTimeout(() => settle(() => resolve(onTimeout())), Math.max(0, ms))
      : undefined
    const onAbort = (): void => settle(() => reject(abortError ? abortError() : signal?.reason))
    function settle(action: () => void): void {
      if (done) return
      done = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      try {
        action()
      } catch (err) {
        reject(err)
      }
    }
    work.then(
      (value) => settle(() => resolve(value)),
      (err: unknown) => settle(() => reject(err)),
    )
    if (signal?.aborted) onAbort()
    else signal?.addEventListener('abort', onAbort, { once: true })
  })
}
