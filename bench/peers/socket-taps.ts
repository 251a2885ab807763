// Taps on the TLS sockets kafkajs opens in this process (a bench's view, not the packages'): when each Kafka
// request was written (plaintext, before TLS; kafkajs writes one request per `write`) with its API key, and when
// bytes arrived (after TLS), per socket. latency-split.ts uses them to tell our JavaScript's time from the
// broker's and the network's.
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'
import type * as Tls from 'node:tls'

/** The CommonJS module object kafkajs calls `connect` on (an ES namespace's bindings cannot be replaced). */
const tls = createRequire(import.meta.url)('node:tls') as typeof Tls

export interface TappedSocket {
  /** [API key, performance.now()] of each request written. */
  writes: [number, number][]
  /** performance.now() of each chunk read. */
  reads: number[]
}

export const API_PRODUCE = 0
export const API_FETCH = 1

/** Start tapping every TLS socket opened from now on; returns the sockets seen (filled as they are used). */
export function tapTlsSockets(): TappedSocket[] {
  const sockets: TappedSocket[] = []
  const connect = tls.connect
  const tapped = ((...args: Parameters<typeof tls.connect>) => {
    const socket = (connect as (...a: unknown[]) => Tls.TLSSocket)(...args)
    const tap: TappedSocket = { writes: [], reads: [] }
    sockets.push(tap)
    const write = socket.write
    socket.write = function (this: Tls.TLSSocket, chunk: unknown, ...rest: unknown[]) {
      if (Buffer.isBuffer(chunk) && chunk.length >= 6)
        tap.writes.push([chunk.readInt16BE(4), performance.now()])
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest)
    } as typeof socket.write
    socket.prependListener('data', () => tap.reads.push(performance.now()))
    return socket
  }) as typeof tls.connect
  tls.connect = tapped
  return sockets
}

/** The first time in ascending `times` at or after `t` (NaN: none). */
export function firstAtOrAfter(times: readonly number[], t: number): number {
  let lo = 0
  let hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((times[mid] as number) < t) lo = mid + 1
    else hi = mid
  }
  return times[lo] ?? Number.NaN
}

/** The last time in ascending `times` at or before `t` (NaN: none). */
export function lastAtOrBefore(times: readonly number[], t: number): number {
  let lo = 0
  let hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((times[mid] as number) <= t) lo = mid + 1
    else hi = mid
  }
  return times[lo - 1] ?? Number.NaN
}

/** [start, end] (performance.now()) of each zstd compress and decompress call on the thread pool. */
export interface ZstdCalls {
  compress: [number, number][]
  decompress: [number, number][]
  /** An A/B switch: decompress with fzstd (pure JavaScript, on this thread) instead of the thread pool. */
  syncDecompress: boolean
}

/**
 * Time @mongodb-js/zstd's calls (the backend on Node < 22.15; both run on libuv's thread pool): the codec looks
 * `compress`/`decompress` up on the module object at each call, so wrapping them there sees every call.
 * Returns undefined when the package is not there (e.g. Node's own zstd is used).
 */
export function tapZstd(): ZstdCalls | undefined {
  let mod: Record<string, (...a: unknown[]) => Promise<unknown>>
  try {
    mod = createRequire(import.meta.url)('@mongodb-js/zstd')
  } catch {
    return undefined
  }
  const calls: ZstdCalls = { compress: [], decompress: [], syncDecompress: false }
  const fzstd = createRequire(import.meta.url)('fzstd') as { decompress(d: Uint8Array): Uint8Array }
  for (const name of ['compress', 'decompress'] as const) {
    const original = mod[name] as (...a: unknown[]) => Promise<unknown>
    mod[name] = (...args: unknown[]) => {
      const start = performance.now()
      const p =
        name === 'decompress' && calls.syncDecompress
          ? Promise.resolve(asBuffer(fzstd.decompress(args[0] as Buffer)))
          : original(...args)
      void p.then(
        () => calls[name].push([start, performance.now()]),
        () => {},
      )
      return p
    }
  }
  return calls
}

const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength)
