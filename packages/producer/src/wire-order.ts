/**
 * Hands requests to the connection in the order they were started, whatever order their encodings finish in.
 * A partition's batches are encoded concurrently (zstd runs on the thread pool, so a later batch can be ready
 * first), but the broker takes an idempotent producer's batches only in sequence order: each request is sent
 * once it is encoded and the one started before it was sent (or failed to encode).
 *
 * @example
 * ```ts
 * const order = new WireOrder(() => lane.wake())
 * const first = order.send(session.encode(broker, id, batch1)) // the answer to batch 1
 * const second = order.send(session.encode(broker, id, batch2)) // written after batch 1's request
 * ```
 */
export class WireOrder {
  #tail: Promise<void> = Promise.resolve()
  #waiting = 0
  readonly #onHandedOver: () => void

  /** `onHandedOver` is called each time a request was handed to the connection (or its encoding failed). */
  constructor(onHandedOver: () => void = () => {}) {
    this.#onHandedOver = onHandedOver
  }

  /** Requests started and not yet handed to the connection (still encoding, or waiting for their turn). */
  get waiting(): number {
    return this.#waiting
  }

  /** Send `encoded`'s request in its turn; resolves or rejects with its answer (or the encoding's failure). */
  send<T>(encoded: Promise<() => Promise<T>>): Promise<T> {
    const turn = this.#tail
    let handedOver = (): void => {}
    this.#tail = new Promise<void>((resolve) => {
      handedOver = resolve
    })
    this.#waiting++
    return (async (): Promise<T> => {
      try {
        await turn
        const send = await encoded
        return send() // the request is written now; `finally` lets the next one go before its answer comes
      } finally {
        this.#waiting--
        handedOver()
        this.#onHandedOver()
      }
    })()
  }
}
