#!/usr/bin/env node
// `npm test`: every check and every test, in order, then one summary line `N passed, N failed`.
// Steps: lint, typecheck, API report, API docs, vitest (unit + integration on the real testkit broker) on the
// machine's Node (the floor, 20) and again on the pinned Node 24 LTS, build, packaging checks, and a check that
// the built packages load (on Node 24; check-packages does it on 20) and the built command runs in plain Node.
//
//   npm test                       # everything
//   npm test -- packages/topics    # only vitest, on both Node versions, with this file filter
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { delimiter, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'

const root = fileURLToPath(new URL('..', import.meta.url))
process.env.TURBO_TELEMETRY_DISABLED = '1'
process.env.DO_NOT_TRACK = '1'
const cache = join(root, '.cache')
mkdirSync(cache, { recursive: true })
const only = process.argv.slice(2) // extra args go to vitest (e.g. a file filter)

let passed = 0
let failed = 0
const failures = []

function run(label, cmd, args, { count = true, env = process.env } = {}) {
  const t0 = Date.now()
  process.stderr.write(`\n=== ${label}: ${cmd} ${args.join(' ')}\n`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env })
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

/** The first lines of a failed test's first message, without library frames, indented under its name (CI keeps the summary). */
function why(messages) {
  const first = (messages ?? [])[0]
  if (typeof first !== 'string') return ''
  const lines = stripVTControlCharacters(first)
    .split('\n')
    .filter((l) => l.trim() !== '' && !/node_modules|<anonymous>|node:internal/.test(l))
    .slice(0, 5)
  return lines.map((l) => `\n      ${l.slice(0, 240)}`).join('')
}

/** Runs vitest with `node` (a binary path) and counts its tests; failures are listed under `label`. */
function vitest(label, node, reportName, env = process.env) {
  const report = join(cache, reportName)
  rmSync(report, { force: true })
  const args = [
    join(root, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--project',
    'unit',
    '--project',
    'integration',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    // Both passes share one on-disk cache of transformed modules (keyed by file content, not by Node
    // version), so the Node 24 pass does not transform the sources again.
    '--experimental.fsModuleCache',
    `--experimental.fsModuleCachePath=${join(cache, 'vitest-modules')}`,
    ...only,
  ]
  const ok = run(label, node, args, { count: false, env })
  if (!existsSync(report)) {
    failed++
    failures.push(`${label} (no report)`)
    return
  }
  const r = JSON.parse(readFileSync(report, 'utf8'))
  passed += r.numPassedTests ?? 0
  failed += r.numFailedTests ?? 0
  for (const s of r.testResults ?? []) {
    for (const a of s.assertionResults ?? []) {
      if (a.status === 'failed') failures.push(`${label}: ${a.fullName}${why(a.failureMessages)}`)
    }
  }
  // A suite that failed to load counts as a failure even when it has no test results.
  const brokenSuites = (r.testResults ?? []).filter(
    (s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0,
  )
  failed += brokenSuites.length
  for (const s of brokenSuites) failures.push(`${label}: suite ${s.name}`)
  if (!ok && (r.numFailedTests ?? 0) === 0 && brokenSuites.length === 0) {
    failed++
    failures.push(`${label} (exited non-zero)`)
  }
  process.stderr.write(
    `=== ${label}: ${r.numPassedTests ?? 0} passed, ${(r.numFailedTests ?? 0) + brokenSuites.length} failed\n`,
  )
  // Where the time goes (to keep the whole run within CI's budget).
  const slowest = (r.testResults ?? [])
    .map((s) => ({ file: relative(root, s.name), ms: (s.endTime ?? 0) - (s.startTime ?? 0) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 8)
  for (const { file, ms } of slowest)
    process.stderr.write(`    ${(ms / 1000).toFixed(1).padStart(7)} s  ${file}\n`)
}

if (only.length === 0) {
  run('lint', 'npx', ['biome', 'check', '.'])
  run('typecheck', 'npx', ['turbo', 'run', 'typecheck', '--output-logs=errors-only'])
  run('typecheck examples, benches, configs', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'])
  run('API report is up to date (npm run api:update)', 'node', ['scripts/api-report.mjs', '--check'])
  run('API docs (npm run docs: typedoc, warnings are errors)', 'npx', ['typedoc'])
}

// The Python reference (ligo-gracedb + confluent-kafka) is the interoperability peer: make sure its
// pinned virtual environment exists before the integration tests run.
run('python reference peer (.venv)', 'node', ['scripts/setup-python-peer.mjs'], { count: false })

vitest(`vitest on Node ${process.versions.node}`, process.execPath, 'vitest-report.json')

// The same unit and integration projects on the pinned Node 24 LTS (installed into .cache/node24 once).
// Child processes the tests spawn (`node`, `npx`) find Node 24 first on PATH.
const setup = spawnSync(process.execPath, ['scripts/setup-node24.mjs'], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
})
const node24 = setup.status === 0 ? setup.stdout.trim() : undefined
if (node24 === undefined) {
  failed++
  failures.push('Node 24 set-up (scripts/setup-node24.mjs)')
} else {
  const version = spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '')
  const env = { ...process.env, PATH: `${dirname(node24)}${delimiter}${process.env.PATH ?? ''}` }
  vitest(`vitest on Node ${version}`, node24, 'vitest-report-node24.json', env)
}

if (only.length === 0) {
  const afterBuild = [
    ['packaging (publint + attw)', process.execPath, ['scripts/check-packages.mjs']],
    ['auth/topics install without kafkajs', process.execPath, ['scripts/check-no-kafkajs.mjs']],
    [
      `built command runs (Node ${process.versions.node})`,
      process.execPath,
      ['scripts/check-dist.mjs', '--cli-only'],
    ],
  ]
  if (node24 !== undefined) {
    afterBuild.push(['built packages load, built command runs (Node 24)', node24, ['scripts/check-dist.mjs']])
  }
  if (run('build', 'npx', ['turbo', 'run', 'build', '--output-logs=errors-only'])) {
    for (const [label, cmd, args] of afterBuild) run(label, cmd, args)
  } else {
    failed += afterBuild.length
    failures.push(`skipped after the failed build: ${afterBuild.map(([label]) => label).join('; ')}`)
  }
}

if (failures.length > 0) process.stderr.write(`\nFailed:\n  ${failures.join('\n  ')}\n`)
process.stdout.write(`\n${passed} passed, ${failed} failed\n`)
process.exit(failed === 0 ? 0 : 1)
