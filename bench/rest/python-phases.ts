// Our createEvent over Kafka and the reference's, phase by phase, on the bench:peers set-up (one testkit broker,
// the GraceDB stand-in, the token found by discovery on both sides), alternating round by round. Ours runs
// bench/rest/phases-child.ts; the reference runs bench/rest/python_phases.py in the project's .venv, timed around
// requests' Session.send and GraceDbKafkaProducer.produce()/flush().
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/rest/python-phases.ts [calls] [rounds]
//
// Prints each contender's phases (p50 / p99 ms), its CPU per call, the stand-in's own time per request (from the
// request's arrival to the end of its answer, in this process) and this process's event-loop delay, and the
// medians over the rounds. PHASES_WARMUP (default 10) untimed calls come first; PHASES_GAP_MS (default 0) of idle
// time precede each call, on both sides. PHASES_NODE=/path/to/node adds our client run by that Node (e.g. the
// project's Node 24, .cache/node24/bin/node) as a third contender; the broker side and the stand-in stay as they are.
import { execFileSync, spawn } from 'node:child_process'
import { subscribe } from 'node:diagnostics_channel'
import { writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
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
// The stand-in answers in this process: the time from each request's arrival to the end of its answer.
const serverMs: number[] = []
const arrived = new WeakMap<object, number>()
subscribe('http.server.request.start', (m) =>
  arrived.set((m as { response: object }).response, performance.now()),
)
subscribe('http.server.response.finish', (m) => {
  const t = arrived.get((m as { response: object }).response)
  if (t !== undefined) serverMs.push(performance.now() - t)
})
const loopDelay = monitorEventLoopDelay({ resolution: 1 })
loopDelay.enable()
try {
  const gracedb = env.gracedb!
  const file = join(env.dir, 'coinc.xml')
  await writeFile(file, Buffer.from(Array.from({ length: 16 * 1024 }, (_, i) => (i * 31) % 251)))
  const ours = (node = process.execPath): Promise<Result> =>
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
        process.env.PHASES_WARMUP ?? '10',
      )
      const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'inherit'] })
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
      [gracedb.serviceUrl, file, String(calls), process.env.PHASES_WARMUP ?? '10'],
      300_000,
    )
  const contenders = [
    { label: 'ours', run: () => ours() },
    { label: 'Python reference', run: python },
  ]
  const otherNode = process.env.PHASES_NODE
  if (otherNode) {
    const version = execFileSync(otherNode, ['--version'], { encoding: 'utf8' }).trim()
    contenders.splice(1, 0, { label: `ours on node ${version}`, run: () => ours(otherNode) })
  }
  const seen = new Map<string, Array<{ p50: number; p99: number; cpu: number }>>()
  for (let r = 0; r < rounds; r++) {
    for (const c of r % 2 === 0 ? contenders : [...contenders].reverse()) {
      const load = loadavg()[0]!.toFixed(2)
      serverMs.length = 0
      loopDelay.reset()
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
        { phase: 'stand-in: request arrived -> answered (warm-up too)', ...latencySummary(serverMs) },
      ]
      for (const [phase, list] of Object.entries(phases)) {
        if (list.length >= total.length / 2) rows.push({ phase, ...latencySummary(list) })
      }
      const delay = (q: number): string => (loopDelay.percentile(q) / 1e6).toFixed(2)
      console.log(
        `round ${r + 1}/${rounds}: ${c.label} (load ${load}); the stand-in's event-loop delay p50 ${delay(50)}, p99 ${delay(99)}, max ${(loopDelay.max / 1e6).toFixed(2)} ms`,
      )
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
