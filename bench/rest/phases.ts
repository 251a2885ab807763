// Where the time of one createEvent over Kafka goes: a testkit broker and GraceDB stand-in in this process, the
// client in its own Node process (bench/rest/phases-child.ts), as `npm run bench:peers -- --only rest` runs it.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/rest/phases.ts [calls] [fileBytes] [--cpu-prof DIR]
//
// Prints each phase's p50 / p99 (ms) and, with --cpu-prof, writes the child's CPU profile to DIR.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGraceDbStandIn, startKafka } from '@gracedb-kafka/testkit'
import { latencySummary } from '../stats.js'

const args = process.argv.slice(2)
const profIndex = args.indexOf('--cpu-prof')
const profDir = profIndex >= 0 ? args.splice(profIndex, 2)[1] : undefined
const calls = Number(args[0] ?? 300)
const fileBytes = Number(args[1] ?? 16 * 1024)

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
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, childArgs, { env, stdio: ['ignore', 'pipe', 'inherit'] })
    let text = ''
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString()
    })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`child exited ${code}`))))
  })
  const { total, cpu, httpConnects, phases } = JSON.parse(out) as {
    total: number[]
    cpu: number[]
    httpConnects: number
    phases: Record<string, number[]>
  }
  const rows = [
    { phase: 'whole call', ...latencySummary(total) },
    { phase: 'client CPU during the call', ...latencySummary(cpu) },
  ]
  for (const [phase, list] of Object.entries(phases)) {
    if (list.length >= total.length / 2) rows.push({ phase, ...latencySummary(list) })
  }
  console.log(`createEvent phases, ${fileBytes}-byte file, node ${process.version}, broker ${kafka.version}`)
  console.table(rows)
  console.log(`HTTP connections opened by the client: ${httpConnects}`)
} finally {
  await gracedb.stop()
  await kafka.stop()
  await rm(dir, { recursive: true, force: true })
}
