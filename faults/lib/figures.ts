// What a fault scenario measured, and how the figures are printed and kept for the lead's summary.
import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** One record read back from the broker. */
export interface ReadRecord {
  partition: number
  offset: number
  /** The scenario's sequence number carried in the message value. */
  n: number
  /** The idempotent producer id of the record's batch (-1 when not idempotent or unknown). */
  producerId: number
}

/** Delivery and read-back figures of one scenario. */
export interface DeliveryFigures {
  produced: number
  acked: number
  failed: number
  /** Acknowledgements whose report carried no real offset (< 0). */
  ackedWithoutOffset: number
  readBack: number
  /** Produced messages never read back. */
  lost: number
  /** Acknowledged messages never read back. */
  ackedLost: number
  /** Records read back beyond the first copy of each message. */
  duplicated: number
  /** Per partition: records whose sequence number is lower than one before it in the partition. */
  outOfOrder: Record<number, number>
}

/**
 * Compare what was produced (sequence numbers 0..produced-1) and acknowledged with what the broker holds.
 * Within a partition, messages were produced in increasing sequence order, so a record with a lower number
 * than an earlier record of the same partition is out of order.
 */
export function deliveryFigures(
  produced: number,
  acked: ReadonlyMap<number, { offset: number }>,
  failed: number,
  read: readonly ReadRecord[],
): DeliveryFigures {
  const seen = new Map<number, number>()
  for (const r of read) seen.set(r.n, (seen.get(r.n) ?? 0) + 1)
  let lost = 0
  for (let n = 0; n < produced; n++) if (!seen.has(n)) lost++
  let ackedLost = 0
  let ackedWithoutOffset = 0
  for (const [n, report] of acked) {
    if (!seen.has(n)) ackedLost++
    if (report.offset < 0) ackedWithoutOffset++
  }
  const outOfOrder: Record<number, number> = {}
  const byPartition = new Map<number, ReadRecord[]>()
  for (const r of read) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r])
  for (const [p, records] of [...byPartition].sort((a, b) => a[0] - b[0])) {
    records.sort((a, b) => a.offset - b.offset)
    let max = -1
    let inversions = 0
    for (const r of records) {
      if (r.n < max) inversions++
      max = Math.max(max, r.n)
    }
    outOfOrder[p] = inversions
  }
  return {
    produced,
    acked: acked.size,
    failed,
    ackedWithoutOffset,
    readBack: read.length,
    lost,
    ackedLost,
    duplicated: read.length - seen.size,
    outOfOrder,
  }
}

const MB = 2 ** 20
/** Megabytes, rounded; '?' when unknown. */
export const mb = (bytes: number | undefined): number | '?' =>
  bytes === undefined ? '?' : Math.round(bytes / MB)

const REPORT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'faults-figures.jsonl')

/**
 * Print a scenario's figures (one readable block and one `FAULT-FIGURES {json}` line) and append them to
 * `.cache/faults-figures.jsonl` (tagged with the run's id, set by the suite's global setup).
 */
export function report(scenario: string, figures: Record<string, unknown>): void {
  const lines = Object.entries(figures).map(([k, v]) => `  ${k.padEnd(22)} ${JSON.stringify(v)}`)
  console.log(`\n${scenario}\n${lines.join('\n')}`)
  const record = {
    scenario,
    run: process.env.GRACEDB_KAFKA_FAULTS_RUN ?? null,
    at: new Date().toISOString(),
    ...figures,
  }
  console.log(`FAULT-FIGURES ${JSON.stringify(record)}`)
  try {
    mkdirSync(dirname(REPORT), { recursive: true })
    appendFileSync(REPORT, `${JSON.stringify(record)}\n`)
  } catch {
    // The printed line is the record; the file is a convenience.
  }
}
