// Where the time of one createEvent over Kafka goes: a testkit broker and GraceDB stand-in in this process, the
// client in its own Node process (bench/rest/phases-child.ts), as `npm run bench:peers -- --only rest` runs it.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/rest/phases.ts [calls] [fileBytes]
//        [--cpu-prof DIR] [--baseline PATH/TO/rest/src/index.ts] [--rounds N]
//
// Prints each phase's p50 / p99 (ms) and the client's CPU per call. With --baseline, each round runs this
// checkout's client and the baseline's (another copy of packages/rest, e.g. `git archive <commit>` unpacked next to
// a node_modules link) one after the other, in alternating order, on the same broker and stand-in, and ends with
// the medians of their p50 / p99 / CPU over the rounds. With --cpu-prof, writes each child's CPU profile to DIR.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGraceDbStandIn, startKafka } from '@gracedb-kafka/testkit'
import { latencySummary } from '../stats.js'

const args = process.argv.slice(2)
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name)
  return i >= 0 ? args.splice(i, 2)[1] : undefined
}
const profDir = flag('--cpu-prof')
const baseline = flag('--baseline')
const rounds = Number(flag('--rounds') ?? 1)
const calls = Number(args[0] ?? 300)
const fileBytes = Number(args[1] ?? 16 * 1024)

interface ChildResult {
  total: number[]
  cpu: number[]
  httpConnects: number
  phases: Record<string, number[]>
}

const dir = await mkdtemp(join(tmpdir(), 'gk-bench-phases-'))
const kafka = await startKafka({ log: () => {} })
const gracedb = await startGraceDbStandIn({ kafka })
try {
  const token = await kafka.issuer.mint({ sub: 'bench', aud: [kafka.issuer.audience, gracedb.audience] })
  const env = {
    ...process.env,
    BEARER_TOKEN_FILE: await kafka.issuer.writeTokenFile(token, join(dir, 'token')),
  }
  for (const name of ['SCITOKEN', 'SCITOKEN_FILE', 'BEARER_TOKEN', '_CONDOR_CREDS']) delete env[name]
  const file = join(dir, 'coinc.xml')
  await writeFile(file, randomBytes(fileBytes))
  const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []
  const runChild = (restModule: string | undefined): Promise<ChildResult> => {
    const childArgs = [
      ...prof,
      '--conditions=@gracedb-kafka/source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'phases-child.ts'),
      gracedb.serviceUrl,
      kafka.bootstrapServers,
      kafka.caCertPath,
      file,
      String(calls),
      '10',
    ]
    const childEnv = restModule ? { ...env, PHASES_REST: restModule } : env
    return new Promise<ChildResult>((resolve, reject) => {
      const child = spawn(process.execPath, childArgs, {
        env: childEnv,
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      let text = ''
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString()
      })
      child.on('error', reject)
      child.on('exit', (code) =>
        code === 0 ? resolve(JSON.parse(text) as ChildResult) : reject(new Error(`child exited ${code}`)),
      )
    })
  }
  const contenders: Array<{ label: string; module: string | undefined }> = [
    { label: 'this checkout', module: undefined },
  ]
  if (baseline) contenders.push({ label: 'baseline', module: baseline })
  const seen = new Map<string, Array<{ p50: number; p99: number; cpu: number }>>()
  console.log(`createEvent phases, ${fileBytes}-byte file, node ${process.version}, broker ${kafka.version}`)
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse()
    for (const c of order) {
      const load = loadavg()[0]!.toFixed(2)
      const { total, cpu, httpConnects, phases } = await runChild(c.module)
      const whole = latencySummary(total)
      const cpuSummary = latencySummary(cpu)
      seen.set(c.label, [
        ...(seen.get(c.label) ?? []),
        { p50: whole.p50, p99: whole.p99, cpu: cpuSummary.p50 },
      ])
      const rows = [
        { phase: 'whole call', ...whole },
        { phase: 'client CPU during the call', ...cpuSummary },
      ]
      for (const [phase, list] of Object.entries(phases)) {
        if (list.length >= total.length / 2) rows.push({ phase, ...latencySummary(list) })
      }
      console.log(
        `round ${r + 1}/${rounds}: ${c.label} (load ${load}, HTTP connections opened: ${httpConnects})`,
      )
      console.table(rows)
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!
  console.table(
    [...seen].map(([label, list]) => ({
      client: label,
      'p50 median': median(list.map((x) => x.p50)),
      'p50 min-max': `${Math.min(...list.map((x) => x.p50))}-${Math.max(...list.map((x) => x.p50))}`,
      'p99 median': median(list.map((x) => x.p99)),
      'p99 min-max': `${Math.min(...list.map((x) => x.p99))}-${Math.max(...list.map((x) => x.p99))}`,
      'CPU/call p50 median': median(list.map((x) => x.cpu)),
    })),
  )
} finally {
  await gracedb.stop()
  await kafka.stop()
  await rm(dir, { recursive: true, force: true })
}
