interface Waiter<T> {
  resolve: (item: T | null) => void
  timer: NodeJS.Timeout | undefined
  detach: (() => void) | undefined
}

/**
 * A FIFO queue between a pushing producer (kafkajs's fetch loop) and pulling callers (`poll`, `stream`).
 * It never blocks the pusher; the owner asks {@link MessageBuffer.hasRoom} before pushing and pauses fetching
 * when it is full. Takers wait, bounded by a timeout and an optional `AbortSignal`.
 *
 * @example
 * ```ts
 * const buf = new MessageBuffer<string>(2)
 * buf.push('a')
 * await buf.take(1000) // 'a'
 * await buf.take(10)   // null after 10 ms
 * ```
 */
export class MessageBuffer<T> {
  /** The most items the owner should hold; {@link hasRoom} turns false at this size. */
  readonly capacity: number
  private items: (T | undefined)[] = []
  private head = 0
  private waiters: Waiter<T>[] = []

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be an integer >= 1')
    this.capacity = capacity
  }

  /** Items waiting to be taken. */
  get size(): number {
    return this.items.length - this.head
  }

  /** Whether the owner may push another item without exceeding {@link capacity}. */
  hasRoom(): boolean {
    return this.size < this.capacity
  }

  /** Append an item, or hand it straight to the oldest waiting taker. */
  push(item: T): void {
    const waiter = this.waiters.shift()
    if (waiter) {
      settle(waiter)
      waiter.resolve(item)
      return
    }
    this.items.push(item)
  }

  /** Take the oldest item now, or `undefined` when empty. */
  tryTake(): T | undefined {
    if (this.head >= this.items.length) return undefined
    const item = this.items[this.head]
    this.items[this.head] = undefined
    this.head++
    if (this.head === this.items.length) {
      this.items = []
      this.head = 0
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }

  /**
   * Take the oldest item, waiting up to `timeoutMs` (0 = do not wait, `Infinity` = no limit). Resolves `null`
   * on timeout, when `signal` aborts, or when {@link wake} is called.
   */
  take(timeoutMs: number, signal?: AbortSignal): Promise<T | null> {
    const now = this.tryTake()
    if (now !== undefined) return Promise.resolve(now)
    if (timeoutMs <= 0 || signal?.aborted) return Promise.resolve(null)
    return new Promise<T | null>((resolve) => {
      const waiter: Waiter<T> = { resolve, timer: undefined, detach: undefined }
      const giveUp = (): void => {
        const i = this.waiters.indexOf(waiter)
        if (i >= 0) this.waiters.splice(i, 1)
        settle(waiter)
        resolve(null)
      }
      if (Number.isFinite(timeoutMs)) waiter.timer = setTimeout(giveUp, timeoutMs)
      if (signal) {
        signal.addEventListener('abort', giveUp, { once: true })
        waiter.detach = () => signal.removeEventListener('abort', giveUp)
      }
      this.waiters.push(waiter)
    })
  }

  /** Resolve every waiting taker with `null` (used by `stop()` and `close()`). */
  wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) {
      settle(w)
      w.resolve(null)
    }
  }

  /** Drop every queued item (waiting takers keep waiting). */
  clear(): void {
    this.items = []
    this.head = 0
  }
}

function settle<T>(w: Waiter<T>): void {
  if (w.timer !== undefined) clearTimeout(w.timer)
  w.detach?.()
}
