const nativeThen = Promise.prototype.then

/**
 * The promise `produce()` returns. It is a real `Promise`; in addition it remembers whether the caller ever
 * looked at it (`then`, `catch`, `finally` or `await`). `flush()` uses that to report only failures nobody has
 * seen. It never causes an unhandled rejection: a handler is attached internally at creation.
 *
 * @example
 * ```ts
 * const p = DeliveryPromise.create<number>()
 * p.promise.observed // false
 * await p.promise.catch(() => {})
 * p.promise.observed // true
 * ```
 */
export class DeliveryPromise<T> extends Promise<T> {
  /** Whether the caller attached a handler (or awaited). */
  observed = false

  /** Derived promises (from `then`) are plain promises. */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise
  }

  /** A new pending promise with its settle functions; already handled, so a rejection is never unhandled. */
  static create<T>(): {
    promise: DeliveryPromise<T>
    resolve: (value: T) => void
    reject: (reason: unknown) => void
  } {
    let resolve!: (value: T) => void
    let reject!: (reason: unknown) => void
    const promise = new DeliveryPromise<T>((res, rej) => {
      resolve = res
      reject = rej
    })
    nativeThen.call(promise, undefined, () => {})
    return { promise, resolve, reject }
  }

  // biome-ignore lint/suspicious/noThenProperty: a Promise subclass overrides then() on purpose, to notice observation
  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.observed = true
    return super.then(onfulfilled, onrejected)
  }
}
