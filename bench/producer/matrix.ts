// Producer throughput matrix: GraceDbKafkaProducer (guaranteed delivery: acks=all, idempotent) at zstd and at
// no compression, raw kafkajs sendBatch (idempotent, acks=all, no compression) and the Python reference
// (ligo-gracedb 2.16.1 / librdkafka, its defaults: zstd, acks=all; and compression none), on 1 and 3
// partitions, one testkit broker started for the run, a fresh topic per contender, order rotated per round.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/producer/matrix.ts [messages] [rounds] [contenders]
//
// contenders: comma-separated subset of ours-zstd,ours-none,raw-none,py-zstd,py-none (default: all), and
// base-zstd,base-none: the producer from another checkout (BENCH_BASELINE=<path to its producer src/index.ts>),
// to measure a change before and after in the same run, on the same broker.
// Prints per-contender medians with min–max and ratios to Python, then one JSON line. Run on demand only.

import { execFile } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { CompressionTypes } from 'kafkajs'
import { sendBatches } from '../loops.js'
import { percentile } from '../stats.js'
import { event, startProducerBench } from './setup.js'

const total = Number(process.argv[2] ?? 100_000)
const rounds = Number(process.argv[3] ?? 3)
const all = ['ours-zstd', 'ours-none', 'raw-none', 'py-zstd', 'py-none']
const contenders = (process.argv[4] ?? all.join(',')).split(',')
const partitionCounts = (process.env.BENCH_PARTITIONS ?? '1,3').split(',').map(Number)
const run = promisify(execFile)

const { kafka, rawKafka, stop } = await startProducerBench('matrix')
try {
  const baseline = process.env.BENCH_BASELINE
  const Base = baseline
    ? ((await import(baseline)) as { GraceDbKafkaProducer: typeof GraceDbKafkaProducer }).GraceDbKafkaProducer
    : undefined
  const ours = async (
    topic: string,
    compression: string,
    Producer = GraceDbKafkaProducer,
  ): Promise<number> => {
    await using producer = new Producer({
      bootstrapServers: kafka.bootstrapServers,
      caCertPath: kafka.caCertPath,
      instanceName: 'bench',
      topic,
      compression: compression as 'zstd',
    })
    await producer.connect()
    for (let i = 0; i < 1000; i++) producer.produce(event(-i))
    await producer.flush()
    const t0 = performance.now()
    for (let i = 0; i < total; i++) producer.produce(event(i))
    const queued = performance.now() - t0
    const left = await producer.flush()
    const s = (performance.now() - t0) / 1000
    if (left !== 0) throw new Error(`${left} messages left`)
    if (process.env.BENCH_VERBOSE)
      console.log(`  produce() loop ${queued.toFixed(0)} ms of ${(s * 1000).toFixed(0)} ms`)
    return total / s
  }
  const raw = async (topic: string, partitions: number): Promise<number> => {
    const producer = rawKafka.producer({ idempotent: true })
    await producer.connect()
    try {
      const send = (from: number, count: number): Promise<void> =>
        sendBatches(
          producer,
          `bench.${topic}`,
          from,
          count,
          900,
          (j) => ({ value: JSON.stringify(event(j)), partition: j % partitions }),
          { compression: CompressionTypes.None },
        )
      await send(-1000, 1000)
      const t0 = performance.now()
      await send(0, total)
      return total / ((performance.now() - t0) / 1000)
    } finally {
      await producer.disconnect()
    }
  }
  const python = async (topic: string, compression: string): Promise<number> => {
    const { stdout } = await run(
      '.venv/bin/python',
      [
        'bench/producer/python-producer.py',
        kafka.bootstrapServers,
        kafka.caCertPath,
        topic,
        String(total),
        compression === 'zstd' ? 'default' : compression,
      ],
      { env: process.env, maxBuffer: 1 << 20 },
    )
    return (JSON.parse(stdout.trim().split('\n').pop()!) as { rate: number }).rate
  }
  const measure = (name: string, topic: string, partitions: number): Promise<number> => {
    const [kind, compression] = name.split('-') as [string, string]
    if (kind === 'ours') return ours(topic, compression)
    if (kind === 'base') {
      if (!Base) throw new Error('base-* contenders need BENCH_BASELINE')
      return ours(topic, compression, Base)
    }
    if (kind === 'raw') return raw(topic, partitions)
    return python(topic, compression)
  }

  const results: Record<string, number[]> = {}
  for (let round = 0; round < rounds; round++) {
    for (const partitions of partitionCounts) {
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!)
      for (const name of order) {
        const topic = `m${round}-${name}-p${partitions}`
        await kafka.createTopic(`bench.${topic}`, { partitions })
        const rate = await measure(name, topic, partitions).catch((err: unknown) => {
          // A failed run (e.g. delivery timeouts on an overloaded machine) is a result too: counted as 0.
          console.log(
            `round ${round + 1} ${name} p${partitions}: FAILED ${(err as Error).message.slice(0, 160)}`,
          )
          return 0
        })
        const key = `${name} p${partitions}`
        results[key] = [...(results[key] ?? []), rate]
        console.log(`round ${round + 1} ${name} p${partitions}: ${Math.round(rate)} msg/s`)
      }
    }
  }
  const f = (n: number): string => Math.round(n).toLocaleString('en-US')
  const median = (xs: number[]): number =>
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    )
  console.log(
    `\n${f(total)} x 1 KiB JSON, ${rounds} rounds: median (min–max) msg/s, ratio to Python same compression`,
  )
  const summary: Record<string, { median: number; min: number; max: number }> = {}
  for (const [key, xs] of Object.entries(results)) {
    summary[key] = {
      median: Math.round(median(xs)),
      min: Math.round(Math.min(...xs)),
      max: Math.round(Math.max(...xs)),
    }
    const [name, p] = key.split(' ') as [string, string]
    const py = results[`py-${name.split('-')[1]} ${p}`]?.filter((x) => x > 0)
    const ratio = py && !name.startsWith('py') ? `  ${(median(xs) / median(py)).toFixed(2)}x py` : ''
    console.log(
      `  ${key.padEnd(16)} ${f(median(xs)).padStart(8)} (${f(Math.min(...xs))}–${f(Math.max(...xs))})${ratio}`,
    )
  }
  console.log(JSON.stringify({ messages: total, rounds, summary, node: process.version }))
} finally {
  await stop()
}
