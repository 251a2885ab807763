// Where the time of one createEvent over Kafka goes: a testkit broker and GraceDB stand-in in this process, the
// client in its own Node process (bench/rest/phases-child.ts), as `npm run bench:peers -- --only rest` runs it.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/rest/phases.ts [calls] [fileBytes]
//        [--cpu-prof DIR] [--baseline PATH/TO/rest/src/index.ts] [--rounds N] [--in-process] [--compression C] [--nodelay]
//
// Prints each phase's p50 / p99 (ms) and the client's CPU per call. With --baseline, each round runs this
// checkout's client and the baseline's (another copy of packages/rest, e.g. `git archive <commit>` unpacked next to
// a node_modules link) one after the other, in alternating order, on the same broker and stand-in, and ends with
// the medians of their p50 / p99 / CPU over the rounds. With --cpu-prof, writes each child's CPU profile to DIR.
// --in-process adds a contender that runs this checkout's client inside this process, next to the stand-in (as
// bench/rest/create-event.ts and the first bench:peers runs did: the reservation is answered without another
// process being scheduled). --compression C adds a contender whose producer uses compression C (e.g. `none`).
// --nodelay adds one whose kafkajs TLS sockets have Nagle's algorithm off (kafkajs leaves it on).
// PHASES_WARMUP (default 10): untimed calls before the timed ones; PHASES_GAP_MS (default 0): idle time before
// each call.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { GraceDb } from '@gracedb-kafka/rest'
import { startGraceDbStandIn, startKafka } from '@gracedb-kafka/testkit'
import { latencySummary } from '../stats.js'

const args = process.argv.slice(2)
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name)
  return i >= 0 ? args.splice(i, 2)[1] : undefined
}
const inProcess = args.includes('--in-process') ? args.splice(args.indexOf('--in-process'), 1) : undefined
const nodelay = args.includes('--nodelay') ? args.splice(args.indexOf('--nodelay'), 1) : undefined
const profDir = flag('--cpu-prof')
const compression = flag('--compression')
const baseline = flag('--baseline')
const rounds = Number(flag('--rounds') ?? 1)
const calls = Number(args[0] ?? 300)
const fileBytes = Number(args[1] ?? 16 * 1024)

interface ChildResult {
  total: number[]
  cpu: number[]
  httpConnects: number
  gcPauses?: number[]
  kafkaRequests?: Record<string, number>
  phases: Record<string, number[]>
}

const dir = await mkdtemp(join(tmpdir(), 'gk-bench-phases-'))
const kafka = await startKafka({ log: () => {} })
const gracedb = await startGraceDbStandIn({ kafka })
try {
  const token = await kafka.issuer.mint({ sub: 'bench', aud: [kafka.issuer.audience, gracedb.audience] })
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BEARER_TOKEN_FILE: await kafka.issuer.writeTokenFile(token, join(dir, 'token')),
  }
  for (const name of ['SCITOKEN', 'SCITOKEN_FILE', 'BEARER_TOKEN', '_CONDOR_CREDS']) delete env[name]
  const file = join(dir, 'coinc.xml')
  await writeFile(file, randomBytes(fileBytes))
  const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []
  const runHere = async (): Promise<ChildResult> => {
    const saved = process.env.BEARER_TOKEN_FILE
    process.env.BEARER_TOKEN_FILE = env.BEARER_TOKEN_FILE
    try {
      await using client = new GraceDb(gracedb.serviceUrl, { apiVersion: 'v2' })
      await using producer = client.createKafkaProducer({
        bootstrapServers: kafka.bootstrapServers,
        caCertPath: kafka.caCertPath,
      })
      const total: number[] = []
      const cpu: number[] = []
      for (let i = 0; i < 10 + calls; i++) {
        const t0 = performance.now()
        const c0 = process.cpuUsage()
        const r = await client.createEvent('CBC', 'gstlal', file, { kafka: producer })
        const c = process.cpuUsage(c0)
        if (!r.graceid) throw new Error('no graceid')
        if (i < 10) continue
        total.push(performance.now() - t0)
        cpu.push((c.user + c.system) / 1000)
      }
      return { total, cpu, httpConnects: Number.NaN, phases: {} }
    } finally {
      process.env.BEARER_TOKEN_FILE = saved
    }
  }
  const runChild = (
    restModule: string | undefined,
    extraEnv: Record<string, string> = {},
  ): Promise<ChildResult> => {
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
      process.env.PHASES_WARMUP ?? '10',
    ]
    const childEnv = { ...env, ...extraEnv, ...(restModule ? { PHASES_REST: restModule } : {}) }
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
  const contenders: Array<{ label: string; run: () => Promise<ChildResult> }> = [
    { label: 'this checkout', run: () => runChild(undefined) },
  ]
  if (baseline) contenders.push({ label: 'baseline', run: () => runChild(baseline) })
  if (inProcess) contenders.push({ label: 'in-process', run: runHere })
  if (nodelay) {
    contenders.push({
      label: 'kafkajs sockets nodelay',
      run: () => runChild(undefined, { PHASES_NODELAY: '1' }),
    })
  }
  if (compression) {
    contenders.push({
      label: `compression ${compression}`,
      run: () => runChild(undefined, { PHASES_COMPRESSION: compression }),
    })
  }
  const seen = new Map<string, Array<{ p50: number; p99: number; cpu: number }>>()
  console.log(`createEvent phases, ${fileBytes}-byte file, node ${process.version}, broker ${kafka.version}`)
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse()
    for (const c of order) {
      const load = loadavg()[0]!.toFixed(2)
      const { total, cpu, httpConnects, gcPauses = [], kafkaRequests = {}, phases } = await c.run()
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
        `round ${r + 1}/${rounds}: ${c.label} (load ${load}, HTTP connections opened: ${httpConnects}, ` +
          `${gcPauses.length} GCs, longest ${Math.max(0, ...gcPauses).toFixed(2)} ms, ` +
          `total ${gcPauses.reduce((a, b) => a + b, 0).toFixed(1)} ms; broker requests ${JSON.stringify(kafkaRequests)})`,
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
