#!/usr/bin/env node
// `npm run bench`: every benchmark, one after another, each in its own Node process with its own broker.
// Benchmarks report ratios against baselines measured in the same run; they are never timed tests.
//   npm run bench                 all of them
//   npm run bench -- producer     only those whose path contains "producer"
import { spawnSync } from 'node:child_process'

const BENCHES = [
  { file: 'bench/producer/throughput.ts', args: [] },
  { file: 'bench/consumer/throughput.ts', args: [] },
  { file: 'bench/consumer/latency.ts', args: [] },
  { file: 'bench/consumer/memory.ts', args: [], node: ['--expose-gc'] },
  { file: 'bench/rest/create-event.ts', args: [] },
]

const filter = process.argv[2]
const root = new URL('..', import.meta.url).pathname
let failed = 0
for (const b of BENCHES.filter((b) => filter === undefined || b.file.includes(filter))) {
  process.stdout.write(`\n### ${b.file}\n`)
  const r = spawnSync(
    process.execPath,
    [...(b.node ?? []), '--conditions=@gracedb-kafka/source', '--import', 'tsx', b.file, ...b.args],
    { cwd: root, stdio: 'inherit' },
  )
  if (r.status !== 0) {
    failed++
    process.stdout.write(`### ${b.file} FAILED (exit ${r.status ?? r.signal})\n`)
  }
}
process.exit(failed === 0 ? 0 : 1)
