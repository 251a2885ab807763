// One Node process timing createEvent over Kafka phase by phase (started by bench/rest/phases.ts). The
// producer's methods and global fetch are wrapped on this one instance to take timestamps; nothing else changes.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/rest/phases-child.ts SERVICE_URL BOOTSTRAP CA FILE COUNT WARMUP
//
// stdout: {"total": [ms...], "cpu": [ms...], "httpConnects": n, "phases": {name: [ms...]}} (warm-up calls
// excluded from the lists; `cpu` is this process's CPU time during each call, whatever ran meanwhile; `gcPauses`
// the garbage collections' pauses in ms).
import { subscribe } from 'node:diagnostics_channel'
import { createRequire } from 'node:module'
import { PerformanceObserver, performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { GraceDb as GraceDbClass } from '@gracedb-kafka/rest'

// PHASES_REST: another copy of the rest package's entry (a baseline checkout) instead of this one's.
const { GraceDb } = (await import(process.env.PHASES_REST ?? '@gracedb-kafka/rest')) as {
  GraceDb: typeof GraceDbClass
}

const [serviceUrl, bootstrapServers, caCertPath, file, count, warmup] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
]
let marks: Array<[string, number]> = []
// Requests to the broker during the timed calls, by API (a per-call Metadata request would show here).
const kafkaRequests: Record<string, number> = {}
const mark = (name: string): void => {
  marks.push([name, performance.now()])
}
// New HTTP connections (undici's own diagnostics channel): more than one means keep-alive is not reused.
let httpConnects = 0
// The reservation's request written, and its answer's headers and end received (undici's channels).
subscribe('undici:client:sendHeaders', () => mark('http:sent'))
subscribe('undici:request:headers', () => mark('http:headers'))
subscribe('undici:request:trailers', () => mark('http:body'))
subscribe('undici:client:connected', () => {
  httpConnects++
})
let timing = false
const realFetch = globalThis.fetch
globalThis.fetch = async (input, init) => {
  mark('fetch:start')
  const res = await realFetch(input, init)
  mark('fetch:headers')
  return res
}
// Every TLS socket (kafkajs's: undici's connection to the stand-in is plain HTTP): the moment a large request
// (the Produce request, over 4 KiB) is written splits kafkajs's request time into encoding (records, zstd on the
// thread pool) and the wire plus the broker. PHASES_NODELAY=1, an experiment: Nagle's algorithm off (kafkajs
// leaves it on).
// The module object itself (an ESM namespace cannot be patched), the one kafkajs's require('tls') returns.
const tls = createRequire(import.meta.url)('node:tls') as typeof import('node:tls')
const connectTls = tls.connect
Object.defineProperty(tls, 'connect', {
  value: (...a: Parameters<typeof tls.connect>) => {
    const socket = connectTls(...a)
    if (process.env.PHASES_NODELAY === '1') socket.setNoDelay(true)
    const write = socket.write.bind(socket) as (...w: unknown[]) => boolean
    Object.defineProperty(socket, 'write', {
      value: (...w: unknown[]) => {
        if (((w[0] as { length?: number }).length ?? 0) > 4096) mark('tls:write')
        return write(...w)
      },
      // net itself assigns `write` when the peer ends the socket (writeAfterFIN)
      writable: true,
      configurable: true,
    })
    return socket
  },
})
// kafkajs's own connection (the copy the producer loads): each request to the broker and each chunk back.
const kafkajsFrom = createRequire(import.meta.resolve('@gracedb-kafka/producer'))
const Connection = kafkajsFrom('kafkajs/src/network/connection.js') as {
  prototype: Record<string, (...a: unknown[]) => unknown>
}
const realSend = Connection.prototype.send!
Connection.prototype.send = function (this: unknown, ...a: unknown[]) {
  const api = (a[0] as { request: { apiName?: string } }).request.apiName ?? 'request'
  mark(`kafka:${api}:start`)
  if (timing) kafkaRequests[api] = (kafkaRequests[api] ?? 0) + 1
  const p = realSend.apply(this, a) as Promise<unknown>
  p.then(
    () => mark(`kafka:${api}:done`),
    () => undefined,
  )
  return p
}
const realData = Connection.prototype.processData!
Connection.prototype.processData = function (this: unknown, ...a: unknown[]) {
  mark('kafka:data')
  return realData.apply(this, a)
}
await using client = new GraceDb(serviceUrl, { apiVersion: 'v2' })
await using producer = client.createKafkaProducer({
  bootstrapServers,
  caCertPath,
  // An experiment's knob (e.g. `none`, to see what zstd costs); the reference's default otherwise.
  ...(process.env.PHASES_COMPRESSION ? { compression: process.env.PHASES_COMPRESSION as 'none' } : {}),
})
const wrap = <K extends 'connect' | 'produce' | 'flush'>(name: K): void => {
  const real = producer[name].bind(producer) as (...a: unknown[]) => Promise<unknown>
  Object.defineProperty(producer, name, {
    value: (...args: unknown[]) => {
      mark(`${name}:start`)
      const p = real(...args)
      mark(`${name}:returned`)
      p.then(
        () => mark(`${name}:done`),
        () => mark(`${name}:failed`),
      )
      return p
    },
  })
}
wrap('connect')
wrap('produce')
wrap('flush')
const total: number[] = []
const cpu: number[] = []
// Garbage collections during the timed calls: how many, and their pauses (ms).
const gcPauses: number[] = []
new PerformanceObserver((list) => {
  if (timing) for (const e of list.getEntries()) gcPauses.push(e.duration)
}).observe({ entryTypes: ['gc'] })
const phases: Record<string, number[]> = {}
// PHASES_GAP_MS: idle time before each call (calls at a pace, as a pipeline makes them, instead of back to back).
const gapMs = Number(process.env.PHASES_GAP_MS ?? 0)
for (let i = 0; i < Number(warmup) + Number(count); i++) {
  if (gapMs > 0) await sleep(gapMs)
  marks = []
  timing = i >= Number(warmup)
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  mark('call:start')
  const response = await client.createEvent('CBC', 'gstlal', file, { kafka: producer })
  mark('call:done')
  const ms = performance.now() - t0
  if (!response.graceid) throw new Error('createEvent: no graceid')
  const c = process.cpuUsage(c0)
  if (i < Number(warmup)) continue
  total.push(ms)
  cpu.push((c.user + c.system) / 1000)
  for (let j = 1; j < marks.length; j++) {
    const key = `${marks[j - 1]![0]} -> ${marks[j]![0]}`
    const list = phases[key] ?? []
    list.push(marks[j]![1] - marks[j - 1]![1])
    phases[key] = list
  }
}
process.stdout.write(`${JSON.stringify({ total, cpu, httpConnects, gcPauses, kafkaRequests, phases })}\n`)
