import type { ICustomPartitioner, Message, PartitionerArgs } from 'kafkajs'

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/**
 * CRC-32 (IEEE 802.3, as zlib and librdkafka compute it) of some bytes.
 *
 * @example
 * ```ts
 * crc32(Buffer.from('123456789')) // 0xcbf43926
 * ```
 */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/**
 * Remembers the partition chosen for each message, so a retried request sends every message to the same
 * partition (kafkajs calls the partitioner again on each retry), and lets the producer map the broker's
 * per-partition base offsets back to messages.
 */
export class PartitionAssignments {
  // Stored on the message object under symbols (kafkajs encodes only its own fields); faster than WeakMaps.

  /** The partition a message was sent to, once the partitioner has run for it. */
  get(message: Message): number | undefined {
    return (message as Tagged)[CHOSEN]
  }

  /** Tag a keyless message with its batch number, so a whole batch sticks to one partition. */
  stick(message: Message, batch: number): void {
    ;(message as Tagged)[STICKY] = batch
  }

  /** @internal used by the partitioner */
  choose(message: Message, choose: (sticky: number) => number): number {
    const tagged = message as Tagged
    const known = tagged[CHOSEN]
    if (known !== undefined) return known
    const partition = choose(tagged[STICKY] ?? 0)
    tagged[CHOSEN] = partition
    return partition
  }
}

const CHOSEN: unique symbol = Symbol('gracedb-kafka.partition')
const STICKY: unique symbol = Symbol('gracedb-kafka.sticky')
type Tagged = Message & { [CHOSEN]?: number; [STICKY]?: number }

/**
 * A kafkajs partitioner that places messages as librdkafka's default (`consistent_random`) does, so keyed
 * messages land on the same partition as ligo-gracedb's producer puts them: an explicit partition wins; a key
 * goes to `crc32(key) % partitionCount`; a keyless message goes to one available partition per batch (sticky,
 * rotating from batch to batch), which keeps batches whole. Each choice is remembered in `assignments`.
 *
 * @example
 * ```ts
 * const assignments = new PartitionAssignments()
 * kafka.producer({ createPartitioner: createConsistentPartitioner(assignments) })
 * ```
 */
export function createConsistentPartitioner(assignments: PartitionAssignments): ICustomPartitioner {
  return () =>
    ({ partitionMetadata, message }: PartitionerArgs): number =>
      assignments.choose(message, (sticky) => {
        if (typeof message.partition === 'number') return message.partition
        const count = partitionMetadata.length
        if (message.key !== null && message.key !== undefined) {
          const key = typeof message.key === 'string' ? Buffer.from(message.key) : message.key
          return crc32(key) % count
        }
        const available = partitionMetadata.filter((p) => p.leader >= 0)
        const pool = available.length > 0 ? available : partitionMetadata
        return pool[sticky % pool.length]!.partitionId
      })
}

/**
 * Choose the partition of one message as {@link createConsistentPartitioner} does, from a topic's partition
 * list: an explicit partition wins; a key goes to `crc32(key) % partitions`; a keyless message goes to the
 * `sticky`-th available partition (one per batch, rotating from batch to batch).
 *
 * @example
 * ```ts
 * choosePartition({ key: 'G1', value: 'x' }, [{ partitionId: 0, leader: 1 }, { partitionId: 1, leader: 1 }], 0)
 * ```
 */
export function choosePartition(
  message: { readonly key?: Buffer | string | null | undefined; readonly partition?: number | undefined },
  partitions: readonly Pick<PartitionerArgs['partitionMetadata'][number], 'partitionId' | 'leader'>[],
  sticky: number,
): number {
  if (typeof message.partition === 'number') return message.partition
  if (message.key !== null && message.key !== undefined) {
    const key = typeof message.key === 'string' ? Buffer.from(message.key) : message.key
    return crc32(key) % partitions.length
  }
  const available = partitions.filter((p) => p.leader >= 0)
  const pool = available.length > 0 ? available : partitions
  return pool[sticky % pool.length]!.partitionId
}
