// Test helper (not part of the package API): produce keyed messages at a steady rate and account for them.
import { setTimeout as sleep } from 'node:timers/promises'
import type { DeliveryReport, GraceDbKafkaProducer } from '../producer.js'
import type { ReadMessage } from './read-back.js'

/** What happened to one produced message. */
export interface Outcome {
  seq: number
  key: string
  report?: DeliveryReport
  error?: Error
}

/** A running producer loop: `stop()` ends it; `outcomes` fills in as reports arrive. */
export interface SteadyStream {
  readonly outcomes: Outcome[]
  /** Number produced so far. */
  readonly produced: () => number
  stop(): Promise<void>
}

/**
 * Produce `{ seq, key }` JSON messages (seq from `from`, padded with `pad` characters) with keys `key-0` … `key-(keys-1)` at about `perSecond` messages per
 * second, until `stop()`.
 */
export function steadyStream(
  producer: GraceDbKafkaProducer,
  { perSecond, keys, from = 0, pad = 0 }: { perSecond: number; keys: number; from?: number; pad?: number },
): SteadyStream {
  const outcomes: Outcome[] = []
  let running = true
  const loop = (async () => {
    const start = Date.now()
    let seq = from
    while (running) {
      const due = from + Math.floor(((Date.now() - start) * perSecond) / 1000)
      while (seq < due) {
        const key = `key-${seq % keys}`
        const outcome: Outcome = { seq, key }
        outcomes.push(outcome)
        producer.produce(pad > 0 ? { seq, key, pad: 'x'.repeat(pad) } : { seq, key }, { key }).then(
          (report) => {
            outcome.report = report
          },
          (error: Error) => {
            outcome.error = error
          },
        )
        seq++
      }
      await sleep(10)
    }
  })()
  return {
    outcomes,
    produced: () => outcomes.length,
    async stop() {
      running = false
      await loop
    },
  }
}

/** Figures of a fault run: what was produced, acknowledged, failed, read back, lost and duplicated. */
export interface Figures {
  produced: number
  acked: number
  failed: number
  readBack: number
  /** Acknowledged, but not found on the broker at the reported partition and offset. */
  lost: number
  /** Messages stored more than once. */
  duplicated: number
  /** Partitions whose stored sequence numbers are not increasing. */
  outOfOrderPartitions: number
}

/** Compare what the producer reported with what the broker holds. */
export function figures(outcomes: Outcome[], read: ReadMessage[]): Figures {
  const stored = new Map<string, number>() // `${partition}:${offset}` -> seq
  const copies = new Map<number, number>()
  const lastSeqPerPartition = new Map<number, number>()
  const outOfOrder = new Set<number>()
  for (const m of read) {
    const { seq } = JSON.parse(m.value!.toString()) as { seq: number }
    stored.set(`${m.partition}:${m.offset}`, seq)
    copies.set(seq, (copies.get(seq) ?? 0) + 1)
    const last = lastSeqPerPartition.get(m.partition)
    if (last !== undefined && seq <= last) outOfOrder.add(m.partition)
    lastSeqPerPartition.set(m.partition, seq)
  }
  const acked = outcomes.filter((o) => o.report !== undefined)
  return {
    produced: outcomes.length,
    acked: acked.length,
    failed: outcomes.filter((o) => o.error !== undefined).length,
    readBack: read.length,
    lost: acked.filter((o) => stored.get(`${o.report!.partition}:${o.report!.offset}`) !== o.seq).length,
    duplicated: [...copies.values()].filter((n) => n > 1).length,
    outOfOrderPartitions: outOfOrder.size,
  }
}
