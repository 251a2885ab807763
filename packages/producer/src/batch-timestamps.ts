import type { RecordLike } from './record-batch.js'

// The first and max timestamp of a record batch, picked the way kafkajs 2.2.4 picks them
// (`protocol/requests/produce/v3/request.js`), without sorting in the common cases.

/**
 * A timestamp as kafkajs's `Long.fromValue` reads it, or NaN when it is not a safe integer.
 *
 * @example
 * ```ts
 * int64Of('1764600000000') // 1764600000000
 * int64Of('yesterday') // NaN
 * ```
 */
export function int64Of(v: unknown): number {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : Number.NaN
  if (typeof v === 'string' && /^-?\d{1,16}$/.test(v)) {
    const n = Number(v)
    return Number.isSafeInteger(n) ? n : Number.NaN
  }
  return Number.NaN
}

/** Whether `t` is a non-empty string of decimal digits (a kafkajs message's `String(Date.now())`). */
function isDigits(t: string): boolean {
  if (t.length === 0 || t.length > 15) return false
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/**
 * First and max timestamp as kafkajs picks them: the message timestamps that are not null, sorted with
 * `Array#sort` (as strings!), first and last; `dateNow` when there are none. Fast paths: timestamps that are all
 * digit strings of one length, or all integers with one number of digits, sort as numbers, so a linear scan
 * finds the same two.
 *
 * @example
 * ```ts
 * batchTimestamps([{ value: 'a', timestamp: 1002 }, { value: 'b', timestamp: 1001 }], Date.now()) // [1001, 1002]
 * ```
 */
export function batchTimestamps(messages: readonly RecordLike[], dateNow: number): [unknown, unknown] {
  const t0 = messages[0]?.timestamp
  if (typeof t0 === 'number') {
    const found = numericTimestamps(messages, t0)
    if (found !== undefined) return found
    return sortedTimestamps(messages)
  }
  let len = -1
  let min = ''
  let max = ''
  for (const m of messages) {
    const t = m.timestamp as unknown
    if (t === null || t === undefined) continue
    if (typeof t !== 'string' || !isDigits(t) || (len !== -1 && t.length !== len)) {
      return sortedTimestamps(messages)
    }
    if (len === -1) {
      len = t.length
      min = t
      max = t
    } else if (t < min) min = t
    else if (t > max) max = t
  }
  return len === -1 ? [dateNow, dateNow] : [min, max]
}

/** kafkajs's way: the timestamps that are not null, sorted as `Array#sort` does (as strings), first and last. */
function sortedTimestamps(messages: readonly RecordLike[]): [unknown, unknown] {
  const sorted = messages
    .map((x) => x.timestamp as unknown)
    .filter((x) => x !== null && x !== undefined)
    .sort()
  return [sorted[0], sorted[sorted.length - 1]]
}

/**
 * Min and max when every timestamp is an integer with as many decimal digits as `first` (so sorting them as
 * strings, as kafkajs does, orders them as numbers); `undefined` otherwise.
 */
function numericTimestamps(messages: readonly RecordLike[], first: number): [number, number] | undefined {
  if (!(first >= 1 && first < 1e15) || !Number.isInteger(first)) return undefined
  let lo = 1
  while (lo * 10 <= first) lo *= 10
  const hi = lo * 10
  let min = first
  let max = first
  for (let i = 1; i < messages.length; i++) {
    const t = messages[i]!.timestamp
    if (typeof t !== 'number' || !(t >= lo && t < hi) || !Number.isInteger(t)) return undefined
    if (t < min) min = t
    else if (t > max) max = t
  }
  return [min, max]
}
