import { ClientClosedError, withTimeout } from '@gracedb-kafka/core'

/**
 * The error of a call on a closed consumer (closed before or while the call ran): {@link ClientClosedError},
 * code `ERR_CLIENT_CLOSED`, client `'consumer'`.
 *
 * @example
 * ```ts
 * if (closing) throw closedError()
 * ```
 */
export function closedError(): ClientClosedError {
  return new ClientClosedError('consumer')
}

/**
 * Settle with `work`, unless `ms` pass first (reject with `onTimeout()`) or `signal` aborts (reject with
 * {@link closedError}). `work` itself is not cancelled: the caller cleans up after a rejection. Core's
 * `withTimeout` with the consumer's closed error.
 *
 * @example
 * ```ts
 * await withDeadline(kafkaConsumer.connect(), 15_000, closing.signal, () => new KafkaConnectionError('timed out'))
 * ```
 */
export function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  signal: AbortSignal | undefined,
  onTimeout: () => Error,
): Promise<T> {
  return withTimeout(
    work,
    ms,
    () => {
      throw onTimeout()
    },
    { signal, abortError: closedError },
  )
}
