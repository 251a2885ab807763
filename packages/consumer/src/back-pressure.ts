import type { EachBatchPayload, KafkaMessage } from 'kafkajs'
import { MessageBuffer } from './message-buffer.js'

/** One fetched message waiting for the caller, stamped with the session epoch it was fetched in. */
export interface BufferedEntry {
  topic: string
  partition: number
  message: KafkaMessage
  /** The {@link BackPressure.epoch} at fetch time; an entry of an older epoch is stale and never handed out. */
  epoch: number
  /** The bytes of its key and value, counted against the buffer's byte limit. */
  bytes: number
}

/**
 * The bounded hand-off between kafkajs's fetch loop and the callers of `poll()`/`stream()`.
 *
 * kafkajs pushes fetched batches in through {@link BackPressure.handleBatch}; callers pull with
 * {@link BackPressure.take}. When the buffer holds `capacity` entries, or `maxBytes` of keys and values, the
 * batch's partition is paused and the fetch loop waits (heartbeating) until the caller has drained the buffer to
 * the low-water marks (half of each), so a slow caller never makes memory grow. One message larger than
 * `maxBytes` is still taken when the buffer is empty, so a large message never stalls the stream.
 * {@link BackPressure.invalidate} (a rebalance, a restart of the kafkajs consumer, a teardown) drops everything
 * fetched and not handed out: kafkajs fetches it again from the committed offsets.
 *
 * @example
 * ```ts
 * const bp = new BackPressure(5000, 64 * 1024 * 1024)
 * await kafkaConsumer.run({ eachBatch: (p) => bp.handleBatch(p, () => true), eachBatchAutoResolve: false })
 * const entry = await bp.take(1000, undefined) // a BufferedEntry or null after 1 s
 * ```
 */
export class BackPressure {
  /** Bumped by {@link invalidate}: entries of an older epoch are never handed out. */
  epoch = 0
  private readonly buffer: MessageBuffer<BufferedEntry>
  private readonly lowWater: number
  private readonly lowBytes: number
  private roomWaiters: (() => void)[] = []
  /** Key and value bytes of the current epoch's entries pushed and not yet taken back out. */
  private heldBytes = 0

  constructor(
    capacity: number,
    private readonly maxBytes: number = Number.POSITIVE_INFINITY,
  ) {
    this.buffer = new MessageBuffer<BufferedEntry>(capacity)
    this.lowWater = Math.floor(capacity / 2)
    this.lowBytes = maxBytes / 2
  }

  /** Entries fetched and not yet handed out. */
  get size(): number {
    return this.buffer.size
  }

  /** Bytes of keys and values fetched and not yet handed out. */
  get bytes(): number {
    return this.heldBytes
  }

  /** Whether another entry may be pushed: below both limits (an empty buffer always takes one). */
  private hasRoom(): boolean {
    return this.buffer.hasRoom() && this.heldBytes < this.maxBytes
  }

  /** Whether the caller has drained the buffer to both low-water marks. */
  private drained(): boolean {
    return this.buffer.size <= this.lowWater && this.heldBytes <= this.lowBytes
  }

  /**
   * The kafkajs `eachBatch` body: push the batch's messages, pausing the partition while the buffer is full.
   * `live()` says whether kafkajs still runs this session (a stop, a rebalance or a crash ends the batch).
   */
  async handleBatch(payload: EachBatchPayload, live: () => boolean): Promise<void> {
    const { batch, resolveOffset, isRunning, isStale, heartbeat, pause } = payload
    const epoch = this.epoch
    const { topic, partition, messages } = batch
    const buffer = this.buffer
    const current = (): boolean => isRunning() && !isStale() && epoch === this.epoch && live()
    let last: string | undefined
    try {
      // Whether the session is current can only change while this body waits (an await below): the checks run
      // before the first message and after every wait, not once per message (kafkajs's isStale() builds a
      // string key each time). Pushing never runs a caller synchronously: a waiting take() resumes later.
      let i = 0
      while (i < messages.length && current()) {
        if (!this.hasRoom()) {
          // The caller is slower than the broker: pause this partition and hold the fetch loop until the caller
          // has drained the buffer to the low-water mark (not merely one free slot, which would pause and resume
          // once per message). Heartbeats keep the membership alive; a rebalance surfaces as a heartbeat error,
          // which kafkajs handles by re-joining.
          if (last !== undefined) resolveOffset(last)
          const resume = pause()
          try {
            while (!this.drained() && current()) {
              await this.waitForRoom(1000)
              await heartbeat()
            }
          } finally {
            if (live()) resume()
          }
          continue // checks current() again before pushing
        }
        const end = Math.min(messages.length, i + buffer.capacity - buffer.size)
        while (i < end && this.heldBytes < this.maxBytes) {
          const message = messages[i++] as KafkaMessage
          const bytes = (message.value?.length ?? 0) + (message.key?.length ?? 0)
          this.heldBytes += bytes
          buffer.push({ topic, partition, message, epoch, bytes })
        }
        last = (messages[i - 1] as KafkaMessage).offset
      }
    } finally {
      // Advance kafkajs's fetch position past what the buffer took; anything else is fetched again.
      if (last !== undefined && epoch === this.epoch) resolveOffset(last)
    }
  }

  /**
   * Wait up to `timeoutMs` (`Infinity`: no limit) for a current entry; `null` on timeout, when `signal` aborts or
   * on {@link wake}. `check` runs before and after each wait (it throws the consumer's fatal error, if any).
   */
  async take(
    timeoutMs: number,
    signal: AbortSignal | undefined,
    check: () => void,
  ): Promise<BufferedEntry | null> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      check()
      const entry = await this.buffer.take(Math.max(0, deadline - Date.now()), signal)
      if (entry !== null) this.release(entry)
      check()
      if (entry === null) return null
      if (entry.epoch === this.epoch) return entry
      // fetched before a rebalance: its partition restarts from the committed offset, drop it
    }
  }

  /** A current entry without waiting (the fast path of a busy stream), or `undefined`. */
  takeNow(): BufferedEntry | undefined {
    for (let entry = this.buffer.tryTake(); entry !== undefined; entry = this.buffer.tryTake()) {
      this.release(entry)
      if (entry.epoch === this.epoch) return entry
    }
    return undefined
  }

  /** Drop everything fetched but not handed out and release a paused fetch loop; starts a new epoch. */
  invalidate(): void {
    this.epoch++
    this.buffer.clear()
    this.heldBytes = 0
    this.wakeRoomWaiters()
  }

  /** Release every waiting `take()` with `null` (stop, close, a fatal error). */
  wake(): void {
    this.buffer.wake()
  }

  /**
   * An entry left the buffer: its bytes no longer count (an older epoch's were dropped by {@link invalidate}),
   * and the paused fetch loop wakes once the caller has drained the buffer to the low-water marks.
   */
  private release(entry: BufferedEntry): void {
    if (entry.epoch === this.epoch) this.heldBytes -= entry.bytes
    if (this.roomWaiters.length === 0 || !this.drained()) return
    this.wakeRoomWaiters()
  }

  private wakeRoomWaiters(): void {
    const waiters = this.roomWaiters
    this.roomWaiters = []
    for (const w of waiters) w()
  }

  private waitForRoom(maxMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, maxMs)
      const waiters = this.roomWaiters
      const self = this
      function done(): void {
        clearTimeout(timer)
        const i = self.roomWaiters.indexOf(done)
        if (i >= 0) self.roomWaiters.splice(i, 1)
        resolve()
      }
      waiters.push(done)
    })
  }
}
