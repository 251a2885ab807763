import type { RecordMetadata } from 'kafkajs'

/** Where one message of a batch was written. */
export interface MessagePlacement {
  partition: number
  /** Offset of the message, or -1 when the broker did not say (acks=0). */
  offset: number
  /** The broker's log-append time in ms, when the topic uses LogAppendTime; otherwise -1. */
  logAppendTime: number
}

/**
 * Give every message of a single-topic batch its partition and offset. The broker answers one base offset per
 * partition; the messages of a partition were written in batch order, so the i-th message of partition p has
 * offset `baseOffset(p) + i`.
 *
 * @param partitions - the partition each message was sent to, in batch order.
 * @example
 * ```ts
 * placeMessages('t', [0, 1, 0], [
 *   { topicName: 't', partition: 0, errorCode: 0, baseOffset: '10' },
 *   { topicName: 't', partition: 1, errorCode: 0, baseOffset: '3' },
 * ]).map((p) => p.offset) // [10, 3, 11]
 * ```
 */
export function placeMessages(
  topic: string,
  partitions: readonly number[],
  metadata: readonly RecordMetadata[],
): MessagePlacement[] {
  const base = new Map<number, { offset: number; logAppendTime: number }>()
  for (const m of metadata) {
    if (m.topicName !== topic) continue
    const offset = m.baseOffset ?? m.offset
    base.set(m.partition, {
      offset: offset === undefined ? -1 : Number(offset),
      logAppendTime: m.logAppendTime === undefined ? -1 : Number(m.logAppendTime),
    })
  }
  const seen = new Map<number, number>()
  return partitions.map((partition) => {
    const index = seen.get(partition) ?? 0
    seen.set(partition, index + 1)
    const b = base.get(partition)
    if (!b || b.offset < 0) return { partition, offset: -1, logAppendTime: -1 }
    return { partition, offset: b.offset + index, logAppendTime: b.logAppendTime }
  })
}
