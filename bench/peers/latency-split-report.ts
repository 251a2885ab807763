// The printout of latency-split.ts: percentiles of each part of the end-to-end latency, and the slowest 1 %
// with what overlapped them (GC pauses, the consumer's kafkajs requests, the Fetch that delivered them).
import { percentile } from '../stats.js'

/** One message: times on this process's performance.now() clock (ms). */
export interface SplitSample {
  i: number
  /** produce() called. */
  send: number
  /** Its Produce request was written to the socket (the first after `send`). */
  write: number
  /** The broker appended it (LogAppendTime, whole ms). */
  append: number
  /** The last bytes read on the producer's socket before `ack` (its Produce response). */
  pread: number
  /** Its delivery promise resolved. */
  ack: number
  /** The last bytes read on the consumer's socket before `recv` (its Fetch response). */
  cread: number
  /** stream() yielded it. */
  recv: number
  /** Its zstd compression call, start to resolution (ms; NaN: not seen). */
  compress: number
  /** The zstd decompression of its Fetch response, start to resolution (ms; NaN: not seen). */
  decompress: number
}

export interface SplitRun {
  samples: SplitSample[]
  /** GC pauses (perf_hooks): start, duration ms, kind (1 minor, 2 major, 4 incremental, 8 weak callbacks). */
  gc: { start: number; duration: number; kind: number }[]
  /** The consumer's kafkajs requests: api, created (perf ms), duration and time queued in kafkajs (ms). */
  requests: { api: string; created: number; duration: number; pending: number }[]
  /** Requests written on the producer's sockets (warm-up included), by API key (0 Produce, 3 Metadata). */
  producerRequests: Record<number, number>
  /** Event-loop delay (ms) over the measured part. */
  loopDelay: { p50: number; p99: number; max: number }
}

const PARTS: [string, (s: SplitSample) => number][] = [
  ['end-to-end', (s) => s.recv - s.send],
  ['send->append', (s) => s.append - s.send],
  [' send->write', (s) => s.write - s.send],
  [' write->append', (s) => s.append - s.write],
  ['append->ack', (s) => s.ack - s.append],
  [' resp. read->ack', (s) => s.ack - s.pread],
  ['append->recv', (s) => s.recv - s.append],
  [' append->read', (s) => s.cread - s.append],
  [' read->recv', (s) => s.recv - s.cread],
  ['ack->recv', (s) => s.recv - s.ack],
  [' zstd compress', (s) => s.compress],
  [' zstd decompress', (s) => s.decompress],
  ['ours (JS)', (s) => s.write - s.send + (s.recv - s.cread)],
]

const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '-').padStart(7)

function stats(values: number[]): string {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  return [50, 90, 99, 100].map((p) => f(percentile(sorted, p))).join(' ')
}

/** Print the split of one run. */
export function reportSplit(run: SplitRun): void {
  const { samples, gc, requests } = run
  const t0 = samples.reduce((m, s) => Math.min(m, s.send), Number.POSITIVE_INFINITY)
  console.log(`${'part'.padEnd(17)}    p50     p90     p99     max   (ms)`)
  for (const [name, part] of PARTS) console.log(`${name.padEnd(17)}${stats(samples.map(part))}`)
  const sorted = [...samples].sort((a, b) => b.recv - b.send - (a.recv - a.send))
  const tail = sorted.slice(0, Math.max(1, Math.ceil(samples.length / 100)))
  const e2e = (s: SplitSample) => s.recv - s.send
  const steady = samples.filter((s) => s.send - t0 >= 2000).map(e2e)
  console.log(`${'after 2 s'.padEnd(17)}${stats(steady)}`)
  const floor = e2e(tail.at(-1) as SplitSample)
  const perSecond: number[] = []
  for (const s of samples) {
    const k = Math.floor((s.send - t0) / 1000)
    perSecond[k] = (perSecond[k] ?? 0) + (e2e(s) >= floor ? 1 : 0)
  }
  console.log(`slowest 1 % per second of the run: ${Array.from(perSecond, (n) => n ?? 0).join(' ')}`)
  const median = (part: (s: SplitSample) => number, of: SplitSample[]) =>
    percentile(
      of.map(part).sort((a, b) => a - b),
      50,
    )
  console.log(`\nslowest ${tail.length} (>= p99): median of each part, all samples -> slowest`)
  for (const [name, part] of PARTS)
    console.log(`${name.padEnd(17)}${f(median(part, samples))} ->${f(median(part, tail))}`)
  const byKind = new Map<number, { n: number; total: number; max: number }>()
  for (const g of gc) {
    const k = byKind.get(g.kind) ?? { n: 0, total: 0, max: 0 }
    k.n++
    k.total += g.duration
    k.max = Math.max(k.max, g.duration)
    byKind.set(g.kind, k)
  }
  const gcLine = [...byKind].map(
    ([k, v]) => `kind ${k}: ${v.n}x, ${v.total.toFixed(1)} ms, max ${v.max.toFixed(2)}`,
  )
  console.log(`\nGC during the run: ${gcLine.join('; ') || 'none'}`)
  const d = run.loopDelay
  console.log(`event-loop delay: p50 ${f(d.p50)} p99 ${f(d.p99)} max ${f(d.max)} ms`)
  const apis = new Map<string, number>()
  for (const r of requests) apis.set(r.api, (apis.get(r.api) ?? 0) + 1)
  const queued = requests.filter((r) => r.pending > 0)
  console.log(
    `consumer requests: ${[...apis].map(([a, n]) => `${a} ${n}`).join(', ')}; queued in kafkajs: ${queued.length}`,
  )
  const byKey = Object.entries(run.producerRequests).map(([k, n]) => `key ${k}: ${n}`)
  console.log(`producer requests (API key 0 Produce, 3 Metadata): ${byKey.join(', ')}`)
  const fetches = requests.filter((r) => r.api === 'Fetch').sort((a, b) => a.created - b.created)
  console.log(
    '\nslowest, by time: t (s), e2e, send->append, append->ack, append->recv | Fetch that returned it: ' +
      'issued rel. to append, returned rel. to append | GC overlapping (ms) | other consumer requests',
  )
  for (const s of [...tail].sort((a, b) => a.send - b.send)) {
    const overlap = gc.filter((g) => g.start < s.recv && g.start + g.duration > s.send)
    const gcMs = overlap.reduce((a, g) => a + g.duration, 0)
    const fetch = fetches.filter((r) => r.created + r.duration <= s.recv + 1).at(-1)
    const others = requests
      .filter((r) => r.api !== 'Fetch' && r.created < s.recv && r.created + r.duration > s.send - 5)
      .map((r) => `${r.api}(${r.duration}ms${r.pending ? `, queued ${r.pending}` : ''})`)
    const fetchText = fetch
      ? `${f(fetch.created - s.append)} ${f(fetch.created + fetch.duration - s.append)}`
      : '      -       -'
    console.log(
      `${((s.send - t0) / 1000).toFixed(2).padStart(6)}${f(s.recv - s.send)}${f(s.append - s.send)}` +
        `${f(s.ack - s.append)}${f(s.recv - s.append)} |${fetchText} |${f(gcMs)}${
          overlap.length ? ` [${overlap.map((g) => g.kind).join(',')}]` : ''
        } | ${others.join(' ')}`,
    )
  }
}
