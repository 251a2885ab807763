import { KafkaConsumerError } from '@gracedb-kafka/core'

/** `ERR_KAFKA_CONSUMER_CLOSED`: the consumer was closed (before or while the call ran). */
export function closedError(): KafkaConsumerError {
  return new KafkaConsumerError('the consumer is closed', { code: 'ERR_KAFKA_CONSUMER_CLOSED' })
}

/**
 * Settle with `work`, unless `ms` pass first (reject with `onTimeout()`) or `signal` aborts (reject with
 * {@link closedError}). `work` itself is not cancelled: the caller cleans up after a rejection.
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
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => settle(() => reject(onTimeout())), ms)
    const onAbort = (): void => settle(() => reject(closedError()))
    signal?.addEventListener('abort', onAbort, { once: true })
    let done = false
    function settle(action: () => void): void {
      if (done) return
      done = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      action()
    }
    if (signal?.aborted) onAbort()
    work.then(
      (value) => settle(() => resolve(value)),
      (err: unknown) => settle(() => reject(err)),
    )
  })
}
