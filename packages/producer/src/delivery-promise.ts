const nativeThen = Promise.prototype.then
const ignore = (): void => {}

// The resolve function of the promise being constructed: one shared executor stores it here, so creating a
// promise allocates no executor closure and no object to return it in. Only `resolve` is kept (a queued message
// holds one closure, not two): a failure resolves the promise with a rejected one, which rejects it.
let capturedResolve: ((value: never) => void) | undefined
function capture(resolve: (value: never) => void): void {
  capturedResolve = resolve
}

/**
 * The promise `produce()` returns. It is a real `Promise`; in addition it remembers whether the caller ever
 * looked at it (`then`, `catch`, `finally` or `await`). `flush()` uses that to report only failures nobody has
 * seen. It never causes an unhandled rejection: {@link DeliveryPromise.fail} attaches a handler before it rejects
 * (only then: a promise that is fulfilled costs no second promise).
 *
 * @example
 * ```ts
 * const p = DeliveryPromise.open<number>()
 * p.observed // false
 * DeliveryPromise.fail(p, new Error('boom')) // no unhandled rejection
 * await p.catch(() => {})
 * p.observed // true
 * ```
 */
export class DeliveryPromise<T> extends Promise<T> {
  /** Whether the caller attached a handler (or awaited). */
  observed = false
  #resolve: ((value: T | PromiseLike<T>) => void) | undefined

  /** Derived promises (from `then`) are plain promises. */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise
  }

  /** A new pending promise, settled with {@link DeliveryPromise.fulfil} or {@link DeliveryPromise.fail}. */
  static open<T>(): DeliveryPromise<T> {
    const promise = new DeliveryPromise<T>(capture)
    promise.#resolve = capturedResolve as (value: T | PromiseLike<T>) => void
    capturedResolve = undefined
    return promise
  }

  /** Fulfil a promise from {@link DeliveryPromise.open} (no-op once settled). */
  static fulfil<T>(promise: DeliveryPromise<T>, value: T): void {
    const resolve = promise.#resolve
    promise.#resolve = undefined
    resolve?.(value)
  }

  /** Reject a promise from {@link DeliveryPromise.open}, never as an unhandled rejection (no-op once settled). */
  static fail<T>(promise: DeliveryPromise<T>, reason: unknown): void {
    const resolve = promise.#resolve
    if (!resolve) return
    promise.#resolve = undefined
    nativeThen.call(promise, undefined, ignore) // handled before it rejects: `observed` stays as it was
    const rejected = Promise.reject(reason)
    nativeThen.call(rejected, undefined, ignore) // nor is the rejected promise it adopts ever unhandled
    resolve(rejected) // `promise` rejects with `reason` (two microtasks later)
  }

  /** A new pending promise with its settle functions; a rejection is never unhandled. */
  static create<T>(): {
    promise: DeliveryPromise<T>
    resolve: (value: T) => void
    reject: (reason: unknown) => void
  } {
    const promise = DeliveryPromise.open<T>()
    return {
      promise,
      resolve: (value) => DeliveryPromise.fulfil(promise, value),
      reject: (reason) => DeliveryPromise.fail(promise, reason),
    }
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
