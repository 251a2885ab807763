#!/usr/bin/env node
// `npm test`: every check and every test, in order, then one summary line `N passed, N failed`.
// Steps: lint, typecheck, vitest (unit + integration on the real testkit broker), build, packaging checks.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
process.env.TURBO_TELEMETRY_DISABLED = '1'
process.env.DO_NOT_TRACK = '1'
const cache = join(root, '.cache')
mkdirSync(cache, { recursive: true })
const only = process.argv.slice(2) // extra args go to vitest (e.g. a file filter)

let passed = 0
let failed = 0
const failures = []

function run(label, cmd, args, { count = true } = {}) {
  const t0 = Date.now()
  process.stderr.write(`\n=== ${label}: ${cmd} ${args.join(' ')}\n`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env })
  const ok = r.status === 0
  process.stderr.write(
    `=== ${label}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`,
  )
  if (count) {
    if (ok) passed++
    else {
      failed++
      failures.push(label)
    }
  }
  return ok
}

if (only.length === 0) {
  run('lint', 'npx', ['biome', 'check', '.'])
  run('typecheck', 'npx', ['turbo', 'run', 'typecheck', '--output-logs=errors-only'])
  run('typecheck examples, benches, configs', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'])
}

// The Python reference (ligo-gracedb + confluent-kafka) is the interoperability peer: make sure its
// pinned virtual environment exists before the integration tests run.
run('python reference peer (.venv)', 'node', ['scripts/setup-python-peer.mjs'], { count: false })

const report = join(cache, 'vitest-report.json')
rmSync(report, { force: true })
const vitestOk = run(
  'vitest',
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...only],
  { count: false },
)
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'))
  passed += r.numPassedTests ?? 0
  failed += r.numFailedTests ?? 0
  // A suite that failed to load counts as a failure even when it has no test results.
  const brokenSuites = (r.testResults ?? []).filter(
    (s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0,
  )
  failed += brokenSuites.length
  for (const s of brokenSuites) failures.push(`suite ${s.name}`)
  if (!vitestOk && (r.numFailedTests ?? 0) === 0 && brokenSuites.length === 0) {
    failed++
    failures.push('vitest (exited non-zero)')
  }
} else {
  failed++
  failures.push('vitest (no report)')
}

if (only.length === 0) {
  if (run('build', 'npx', ['turbo', 'run', 'build', '--output-logs=errors-only'])) {
    run('packaging (publint + attw)', 'node', ['scripts/check-packages.mjs'])
    run('auth/topics install without kafkajs', 'node', ['scripts/check-no-kafkajs.mjs'])
  } else {
    failed += 2
    failures.push('packaging skipped: build failed')
  }
}

if (failures.length > 0) process.stderr.write(`\nFailed: ${failures.join(', ')}\n`)
process.stdout.write(`\n${passed} passed, ${failed} failed\n`)
process.exit(failed === 0 ? 0 : 1)
