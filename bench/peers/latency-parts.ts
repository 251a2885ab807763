// The latency parts of `npm run bench:peers`: end-to-end produce -> stream() at a fixed rate, createEvent over
// Kafka against the GraceDB stand-in, and `--help` wall time; ours against the Python reference, in rounds
// with the order rotated. Each round contributes its p50 and p99 (the help part: its median run).
import { writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { lastJsonLine } from '../../scripts/run-child.js'
import { percentile } from '../stats.js'
import { runTracked } from './children.js'
import { buildCliInstall, NODE, REFERENCE_CLI, SHIM, timeRuns } from './cli-help.js'
import { oursLatency } from './node-latency.js'
import { runPython } from './python-peer.js'
import { median, type Recorder } from './results.js'
import type { PeersEnv } from './setup.js'
import { bounded, rotate } from './throughput-parts.js'

interface SampleContender {
  id: string
  label: string
  run: (round: number) => Promise<number[]>
}

async function percentileRounds(
  rec: Recorder,
  what: { id: string; title: string },
  contenders: SampleContender[],
  rounds: number,
  timeoutMs: number,
): Promise<void> {
  const p50 = rec.measure(`${what.id}-p50`, `${what.title} p50`, 'ms', false)
  const p99 = rec.measure(`${what.id}-p99`, `${what.title} p99`, 'ms', false)
  for (let r = 0; r < rounds; r++) {
    for (const c of rotate(contenders, r)) {
      try {
        const sorted = (await bounded(c.id, c.run(r), timeoutMs)).sort((a, b) => a - b)
        rec.add(p50, c.id, c.label, percentile(sorted, 50))
        rec.add(p99, c.id, c.label, percentile(sorted, 99))
        console.log(
          `round ${r + 1}/${rounds} ${what.id} ${c.id}: p50 ${percentile(sorted, 50).toFixed(2)} ms, ` +
            `p99 ${percentile(sorted, 99).toFixed(2)} ms (${sorted.length} samples)`,
        )
      } catch (err) {
        rec.fail(p50, c.id, c.label, err)
        rec.fail(p99, c.id, c.label, err)
        console.log(`round ${r + 1}/${rounds} ${what.id} ${c.id}: FAILED ${String(err).slice(0, 400)}`)
      }
    }
  }
}

export async function latencyPart(
  env: PeersEnv,
  rec: Recorder,
  rounds: number,
  count: number,
  rate: number,
): Promise<void> {
  const fresh = async (id: string, r: number, run: (topic: string) => Promise<number[]>) => {
    const topic = await env.topic(`lat-${id}-r${r}-${Date.now()}`, 1)
    try {
      return await run(topic)
    } finally {
      await env.drop(topic)
    }
  }
  const timeoutMs = 120_000 + (count * 1000) / rate
  await percentileRounds(
    rec,
    { id: 'latency', title: `end-to-end at ${rate} msg/s,` },
    [
      { id: 'ours', label: 'ours', run: (r) => fresh('ours', r, (t) => oursLatency(env, t, count, rate)) },
      {
        id: 'python',
        label: 'Python reference',
        run: (r) =>
          fresh('python', r, async (t) => {
            const short = t.slice(t.indexOf('.') + 1)
            const out = await runPython<{ samples: number[]; sent: number }>(
              env,
              'latency.py',
              [short, String(count), String(rate)],
              timeoutMs,
            )
            if (out.samples.length !== out.sent)
              throw new Error(`received ${out.samples.length} of ${out.sent}`)
            return out.samples
          }),
      },
    ],
    rounds,
    timeoutMs + 10_000,
  )
}

/** A coinc.xml-like text file of `bytes` bytes (text, so both clients send it the same way). */
function eventFile(bytes: number): string {
  const head = '<?xml version="1.0" encoding="utf-8"?>\n<LIGO_LW>\n'
  const lines: string[] = []
  let size = head.length
  for (let i = 0; size < bytes; i++) {
    const line = `  <Param Name="snr_${i}" Type="real_8">${(8 + ((i * 7919) % 1000) / 97).toFixed(6)}</Param>\n`
    lines.push(line)
    size += line.length
  }
  const tail = '</LIGO_LW>\n'
  return `${`${head}${lines.join('')}`.slice(0, bytes - tail.length)}${tail}`
}

const REST_SCRIPT = fileURLToPath(new URL('./node-rest.ts', import.meta.url))
const RAW_REST_SCRIPT = fileURLToPath(new URL('./raw-rest.ts', import.meta.url))

/** Run node-rest.ts (or `script`) in its own Node process (killed after 300 s); its samples. */
async function nodeSamples(args: string[], script = REST_SCRIPT): Promise<number[]> {
  const r = await runTracked(
    process.execPath,
    ['--conditions=@gracedb-kafka/source', '--import', 'tsx', script, ...args],
    { timeoutMs: 300_000 },
  )
  if (r.code !== 0) throw new Error(`${basename(script)} exited ${r.code}: ${r.stderr.slice(-1500)}`)
  return lastJsonLine<{ samples: number[] }>(r.stdout).samples
}

/**
 * createEvent over Kafka: each contender in its own process makes `warmup` untimed calls, then `calls` timed ones,
 * with one client and one producer throughout (as a pipeline keeps them). The warm-up is the same on both sides;
 * with only 10 (the default until 2026-12-02), the timed calls still included the growth of our process's V8 heap
 * to its working size: in bench/rest/phases.ts runs, 5 collections during 300 timed calls (the longest 5-9 ms, a
 * mark-compact among them) after 10 warm-up calls, 2 (about 2 ms) after 300.
 */
export async function restPart(
  env: PeersEnv,
  rec: Recorder,
  rounds: number,
  calls: number,
  bytes: number,
  warmup: number,
) {
  if (!env.gracedb) throw new Error('restPart needs the GraceDB stand-in')
  const file = join(env.dir, 'coinc.xml')
  await writeFile(file, eventFile(bytes))
  const serviceUrl = env.gracedb.serviceUrl
  // The command line of both Node contenders (node-rest.ts and raw-rest.ts).
  const childArgs = [
    serviceUrl,
    env.kafka.bootstrapServers,
    env.kafka.caCertPath,
    file,
    String(calls),
    String(warmup),
  ]
  await percentileRounds(
    rec,
    { id: 'create-event', title: `createEvent over Kafka, ${Math.round(bytes / 1024)} KiB file,` },
    [
      {
        id: 'ours',
        label: 'ours',
        run: () => nodeSamples(childArgs),
      },
      {
        id: 'raw',
        label: 'minimal: fetch + raw kafkajs send',
        run: () => nodeSamples(childArgs, RAW_REST_SCRIPT),
      },
      {
        id: 'python',
        label: 'Python reference',
        run: async () =>
          (
            await runPython<{ samples: number[] }>(
              env,
              'create_event.py',
              [serviceUrl, file, String(calls), String(warmup)],
              300_000,
            )
          ).samples,
      },
    ],
    rounds,
    310_000,
  )
}

export async function helpPart(rec: Recorder, rounds: number, runs: number): Promise<void> {
  const bin = await buildCliInstall()
  const m = rec.measure('help', '--help', 's', false)
  const contenders = [
    {
      id: 'ours-built',
      label: 'gracedb-kafka --help (built, as installed)',
      cmd: NODE,
      args: [bin, '--help'],
    },
    {
      id: 'ours-shim',
      label: 'gracedb-kafka --help (clone, sources via tsx)',
      cmd: NODE,
      args: [SHIM, '--help'],
    },
    { id: 'python', label: 'reference gracedb --help', cmd: REFERENCE_CLI, args: ['--help'] },
  ]
  for (let r = 0; r < rounds; r++) {
    for (const c of rotate(contenders, r)) {
      try {
        const value = median(timeRuns(c.cmd, c.args, runs)) as number
        rec.add(m, c.id, c.label, value)
        console.log(`round ${r + 1}/${rounds} help ${c.id}: ${value.toFixed(3)} s`)
      } catch (err) {
        rec.fail(m, c.id, c.label, err)
        console.log(`round ${r + 1}/${rounds} help ${c.id}: FAILED ${String(err).slice(0, 400)}`)
      }
    }
  }
}
