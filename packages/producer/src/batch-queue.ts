/** What the queue needs to know about a queued message. */
export interface Queued {
  /** Namespaced Kafka topic. */
  readonly topic: string
  /** Estimated bytes on the wire. */
  readonly size: number
}

interface Lane<T> {
  items: T[]
  head: number
  /** Arrival number of `items[head]`, to pick the lane whose head is oldest. */
  seqs: number[]
}

/**
 * The producer's send queue: first-in first-out per topic, batched one topic at a time.
 *
 * A batch holds messages of a single topic, so a failure that is the topic's fault (unknown topic, no
 * permission) fails only that topic's messages. {@link BatchQueue.take} serves the topic whose oldest message
 * arrived first, so no topic starves.
 *
 * @example
 * ```ts
 * const q = new BatchQueue<{ topic: string; size: number }>()
 * q.push({ topic: 'a', size: 10 })
 * q.take(100, 1_000_000) // [{ topic: 'a', size: 10 }]
 * ```
 */
export class BatchQueue<T extends Queued> {
  readonly #lanes = new Map<string, Lane<T>>()
  #count = 0
  #bytes = 0
  #seq = 0

  /** Number of queued messages. */
  get count(): number {
    return this.#count
  }

  /** Estimated queued bytes. */
  get bytes(): number {
    return this.#bytes
  }

  /** Append a message to its topic's lane. */
  push(item: T): void {
    let lane = this.#lanes.get(item.topic)
    if (!lane) {
      lane = { items: [], head: 0, seqs: [] }
      this.#lanes.set(item.topic, lane)
    }
    lane.items.push(item)
    lane.seqs.push(this.#seq++)
    this.#count++
    this.#bytes += item.size
  }

  /**
   * Remove and return the next batch: messages of the topic whose head is oldest, in order, at most
   * `maxMessages` of them and at most `maxBytes` estimated bytes, but always at least one (so a message larger
   * than `maxBytes` travels alone). Returns `[]` when the queue is empty.
   */
  take(maxMessages: number, maxBytes: number): T[] {
    let best: Lane<T> | undefined
    let bestTopic = ''
    for (const [topic, lane] of this.#lanes) {
      if (best === undefined || lane.seqs[lane.head]! < best.seqs[best.head]!) {
        best = lane
        bestTopic = topic
      }
    }
    if (!best) return []
    const out: T[] = []
    let bytes = 0
    while (best.head < best.items.length && out.length < maxMessages) {
      const item = best.items[best.head]!
      if (out.length > 0 && bytes + item.size > maxBytes) break
      out.push(item)
      bytes += item.size
      best.head++
    }
    this.#count -= out.length
    this.#bytes -= bytes
    if (best.head === best.items.length) this.#lanes.delete(bestTopic)
    else if (best.head > 4096 && best.head * 2 > best.items.length) {
      best.items = best.items.slice(best.head)
      best.seqs = best.seqs.slice(best.head)
      best.head = 0
    }
    return out
  }

  /** The topics with messages queued. */
  peekTopics(): string[] {
    return [...this.#lanes.keys()]
  }

  /** Remove and return everything queued, oldest first per topic. */
  drain(): T[] {
    const out: T[] = []
    for (const lane of this.#lanes.values()) out.push(...lane.items.slice(lane.head))
    this.#lanes.clear()
    this.#count = 0
    this.#bytes = 0
    return out
  }
}
