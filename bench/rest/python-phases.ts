// Our createEvent over Kafka and the reference's, phase by phase, on the bench:peers set-up (one testkit broker,
// the GraceDB stand-in, the token found by discovery on both sides), alternating round by round. Ours runs
// bench/rest/phases-child.ts; the reference runs bench/rest/python_phases.py in the project's .venv, timed around
// requests' Session.send and GraceDbKafkaProducer.produce()/flush().
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/rest/python-phases.ts [calls] [rounds]
//
// Prints each contender's phases (p50 / p99 ms), its CPU per call and the medians over the rounds.
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { runPython } from '../peers/python-peer.js'
import { setupPeers } from '../peers/setup.js'
import { latencySummary } from '../stats.js'

interface Result {
  total: number[]
  cpu: number[]
  phases: Record<string, number[]>
}

const calls = Number(process.argv[2] ?? 300)
const rounds = Number(process.argv[3] ?? 3)
const env = await setupPeers({ standIn: true })
try {
  const gracedb = env.gracedb!
  const file = join(env.dir, 'coinc.xml')
  await writeFile(file, Buffer.from(Array.from({ length: 16 * 1024 }, (_, i) => (i * 31) % 251)))
  const ours = (): Promise<Result> =>
    new Promise((resolve, reject) => {
      const args = [
        '--conditions=@gracedb-kafka/source',
        '--import',
        'tsx',
        join(import.meta.dirname, 'phases-child.ts'),
      ]
      args.push(
        gracedb.serviceUrl,
        env.kafka.bootstrapServers,
        env.kafka.caCertPath,
        file,
        String(calls),
        '10',
      )
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
      let text = ''
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString()
      })
      child.on('error', reject)
      child.on('exit', (code) =>
        code === 0 ? resolve(JSON.parse(text) as Result) : reject(new Error(`exit ${code}`)),
      )
    })
  const python = (): Promise<Result> =>
    runPython<Result>(
      env,
      '../../rest/python_phases.py',
      [gracedb.serviceUrl, file, String(calls), '10'],
      300_000,
    )
  const contenders = [
    { label: 'ours', run: ours },
    { label: 'Python reference', run: python },
  ]
  const seen = new Map<string, Array<{ p50: number; p99: number; cpu: number }>>()
  for (let r = 0; r < rounds; r++) {
    for (const c of r % 2 === 0 ? contenders : [...contenders].reverse()) {
      const load = loadavg()[0]!.toFixed(2)
      const { total, cpu, phases } = await c.run()
      const whole = latencySummary(total)
      const cpuSummary = latencySummary(cpu)
      seen.set(c.label, [
        ...(seen.get(c.label) ?? []),
        { p50: whole.p50, p99: whole.p99, cpu: cpuSummary.p50 },
      ])
      const rows = [
        { phase: 'whole call', ...whole },
        { phase: 'process CPU during the call', ...cpuSummary },
      ]
      for (const [phase, list] of Object.entries(phases)) {
        if (list.length >= total.length / 2) rows.push({ phase, ...latencySummary(list) })
      }
      console.log(`round ${r + 1}/${rounds}: ${c.label} (load ${load})`)
      console.table(rows)
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!
  console.table(
    [...seen].map(([label, list]) => ({
      client: label,
      'p50 median': median(list.map((x) => x.p50)),
      'p99 median': median(list.map((x) => x.p99)),
      'CPU/call p50 median': median(list.map((x) => x.cpu)),
    })),
  )
} finally {
  await env.stop()
}
