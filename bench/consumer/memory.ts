// Memory with a slow caller: fill a topic with N messages of B bytes (default 1M of 1 KiB), then read them all
// with GraceDbKafkaConsumer.stream() while the caller reads about 10 KiB per ms (a 1 ms sleep after every 10
// messages of 1 KiB, 25 ms after each of 256 KiB), so the broker is far faster than the caller and the buffer
// stays full.
// RSS and heap are sampled every second; the consumer's bounded buffer (maxBufferedMessages, default 5000, and
// maxBufferedBytes, default 64 MiB, or MAX_BYTES) must keep them flat.
//
//   node --expose-gc --conditions=@gracedb-kafka/source --import tsx bench/consumer/memory.ts [count] [bytes] [MAX_BYTES]
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import { fill, mb, setupBench } from './setup.js'

const count = Number(process.argv[2] ?? 1_000_000)
const bytes = Number(process.argv[3] ?? 1024)
const maxBufferedBytes = process.argv[4] === undefined ? undefined : Number(process.argv[4])
// the caller reads about 10 KiB per ms: a 1 ms sleep every 10 messages of 1 KiB, 25 ms after each of 256 KiB
const pace = Math.max(1, Math.round(10_240 / bytes))
const nap = Math.max(1, Math.round(bytes / 10_240))
const gc = (globalThis as { gc?: () => void }).gc

const bench = await setupBench()
try {
  const topic = 'bench.memory'
  await bench.kafka.createTopic(topic, { partitions: 3 })
  const tf = performance.now()
  await fill(bench, topic, count, bytes)
  console.log(`filled ${count} x ${bytes} bytes in ${((performance.now() - tf) / 1000).toFixed(1)} s`)
  gc?.()
  const consumer = new GraceDbKafkaConsumer({
    bootstrapServers: bench.kafka.bootstrapServers,
    instanceName: 'bench',
    caCertPath: bench.kafka.caCertPath,
    groupId: 'bench-memory',
    autoOffsetReset: 'earliest',
    ...(maxBufferedBytes === undefined ? {} : { maxBufferedBytes }),
  })
  await consumer.subscribe('memory')
  gc?.()
  const before = process.memoryUsage()
  const samples: { t: number; rss: number; heap: number; seen: number }[] = []
  let seen = 0
  let maxBuffered = 0
  const t0 = performance.now()
  const sampler = setInterval(() => {
    const m = process.memoryUsage()
    maxBuffered = Math.max(maxBuffered, consumer.bufferedBytes)
    samples.push({ t: (performance.now() - t0) / 1000, rss: m.rss, heap: m.heapUsed, seen })
  }, 1000)
  for await (const msg of consumer.stream({ timeout: 1 })) {
    if ((msg.value as { n: number }).n < 0) throw new Error('unexpected')
    seen++
    if (seen % pace === 0) await sleep(nap)
    if (seen === count) break
  }
  clearInterval(sampler)
  const seconds = (performance.now() - t0) / 1000
  gc?.()
  const after = process.memoryUsage()
  await consumer.close()
  const maxRss = Math.max(...samples.map((s) => s.rss))
  const maxHeap = Math.max(...samples.map((s) => s.heap))
  const quarter = samples.filter((_, i) => i % Math.max(1, Math.floor(samples.length / 8)) === 0)
  console.table(
    quarter.map((s) => ({
      't s': +s.t.toFixed(0),
      consumed: s.seen,
      'RSS MiB': mb(s.rss),
      'heap MiB': mb(s.heap),
    })),
  )
  console.table([
    {
      messages: seen,
      seconds: +seconds.toFixed(1),
      'msg/s': Math.round(seen / seconds),
      'max buffered MiB': mb(maxBuffered),
      'RSS before MiB': mb(before.rss),
      'RSS max MiB': mb(maxRss),
      'RSS after MiB': mb(after.rss),
      'heap before MiB': mb(before.heapUsed),
      'heap max MiB': mb(maxHeap),
      'heap after (gc) MiB': mb(after.heapUsed),
    },
  ])
} finally {
  await bench.kafka.stop()
}
