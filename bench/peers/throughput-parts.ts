// The producer and consumer parts of `npm run bench:peers`: every contender on a fresh topic (producers) or
// with a fresh group over a pre-produced topic (consumers), on 1 and 3 partitions, in rounds whose contender
// order is rotated by one each round. A failed run is recorded and the rest goes on.
import type { JavaTools } from './java-tools.js'
import { fill, oursConsume, rawConsume } from './node-consumer.js'
import { oursProduce, rawProduce } from './node-producer.js'
import { pythonProduce, runPython } from './python-peer.js'
import type { Recorder } from './results.js'
import { INSTANCE, type PeersEnv } from './setup.js'

export interface Contender<A extends unknown[]> {
  id: string
  label: string
  run: (...args: A) => Promise<number>
}

/** Reject after `ms` (a hung contender is recorded as failed and the run goes on). */
export function bounded<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms / 1000} s`)), ms)
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

/**
 * For each round, each partition count, each contender (order rotated by the round): call `body`, whose
 * `measure(run)` runs the contender once (bounded to 600 s) and records its rate in the `<kind>-<n>p` measure,
 * or records its failure; either way it is logged and the run goes on.
 */
async function eachRun<C extends { id: string; label: string }>(
  rec: Recorder,
  kind: 'producer' | 'consumer',
  contenders: readonly C[],
  rounds: number,
  body: (
    c: C,
    round: number,
    partitions: number,
    measure: (run: () => Promise<number>) => Promise<void>,
  ) => Promise<void>,
): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    for (const partitions of PARTITIONS) {
      const m = rec.measure(
        `${kind}-${partitions}p`,
        `${kind}, ${partitions} partition${partitions > 1 ? 's' : ''}`,
        'msg/s',
        true,
      )
      for (const c of rotate(contenders, r)) {
        await body(c, r, partitions, async (run) => {
          try {
            const value = await bounded(c.id, run(), 600_000)
            rec.add(m, c.id, c.label, value)
            console.log(`round ${r + 1}/${rounds} ${m.id} ${c.id}: ${rate(value)}`)
          } catch (err) {
            rec.fail(m, c.id, c.label, err)
            console.log(`round ${r + 1}/${rounds} ${m.id} ${c.id}: FAILED ${String(err).slice(0, 400)}`)
          }
        })
      }
    }
  }
}

export function rotate<T>(list: readonly T[], round: number): T[] {
  const k = round % list.length
  return [...list.slice(k), ...list.slice(0, k)]
}

const short = (topic: string): string => topic.slice(INSTANCE.length + 1)
const rate = (f: number): string => `${Math.round(f).toLocaleString('en-US')} msg/s`
export const PARTITIONS = [1, 3] as const

export async function producerPart(
  env: PeersEnv,
  rec: Recorder,
  java: JavaTools | undefined,
  rounds: number,
  count: number,
  extra = false,
): Promise<void> {
  type P = Contender<[topic: string]>
  const python =
    (compression: string, idempotent = false) =>
    async (topic: string) =>
      (await pythonProduce(env, topic, count, compression, idempotent)).rate
  const contenders: P[] = [
    { id: 'ours-zstd', label: 'ours, defaults (zstd)', run: (t) => oursProduce(env, t, count, undefined) },
    {
      id: 'ours-zstd3',
      label: "ours, zstd level 3 (the reference's level)",
      run: (t) => oursProduce(env, t, count, undefined, 3),
    },
    { id: 'ours-none', label: 'ours, compression none', run: (t) => oursProduce(env, t, count, 'none') },
    { id: 'kafkajs', label: 'raw kafkajs sendBatch (idempotent)', run: (t) => rawProduce(env, t, count) },
    { id: 'python-zstd', label: 'Python reference, defaults (zstd)', run: python('default') },
    { id: 'python-none', label: 'Python reference, compression none', run: python('none') },
  ]
  if (java) {
    contenders.push({
      id: 'java',
      label: 'Java ProducerPerformance (idempotent)',
      run: (t) => java.produce(t, count),
    })
  }
  if (extra) {
    contenders.push({
      id: 'python-none-idem',
      label: 'Python reference, compression none + idempotent',
      run: python('none', true),
    })
    if (java) {
      contenders.push({
        id: 'java-1m',
        label: 'Java ProducerPerformance (idempotent, 1 MiB batches)',
        run: (t) => java.produce(t, count, ['batch.size=1048576']),
      })
    }
  }
  await eachRun(rec, 'producer', contenders, rounds, async (c, r, partitions, measure) => {
    const topic = await env.topic(`prod-${partitions}p-${c.id}-r${r}`, partitions)
    try {
      await measure(() => c.run(topic))
    } finally {
      await env.drop(topic)
    }
  })
}

export async function consumerPart(
  env: PeersEnv,
  rec: Recorder,
  java: JavaTools | undefined,
  rounds: number,
  count: number,
): Promise<void> {
  type C = Contender<[topic: string, group: string]>
  const contenders: C[] = [
    { id: 'ours', label: 'ours stream()', run: (t, g) => oursConsume(env, t, count, g) },
    {
      id: 'python',
      label: 'Python reference stream()',
      run: async (t, g) =>
        (await runPython<{ rate: number }>(env, 'consume.py', [short(t), String(count), g], 600_000)).rate,
    },
    {
      id: 'kafkajs',
      label: 'raw kafkajs eachMessage + JSON.parse',
      run: (t, g) => rawConsume(env, t, count, g),
    },
  ]
  if (java) {
    contenders.push({
      id: 'java',
      label: 'Java ConsumerPerformance (no decoding)',
      run: (t, g) => java.consume(t, count, g),
    })
  }
  const topics = new Map<number, string>()
  for (const partitions of PARTITIONS) {
    const topic = await env.topic(`cons-${partitions}p`, partitions)
    const t0 = Date.now()
    await fill(env, topic, count)
    console.log(`filled ${topic} with ${count} messages in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    topics.set(partitions, topic)
  }
  await eachRun(rec, 'consumer', contenders, rounds, async (c, r, partitions, measure) => {
    const group = `peers-${c.id}-${partitions}p-r${r}-${Date.now()}`
    await measure(() => c.run(topics.get(partitions) as string, group))
  })
  await env.drop(...topics.values())
}
