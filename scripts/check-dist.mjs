#!/usr/bin/env node
// After the build: every published package's main entry loads from dist/ in plain Node (no tsx, no vite, no
// source condition: exactly what an installed package gets), and the built command runs. Tests import the
// TypeScript sources through vite, which forgives things Node's ESM loader does not (for example a named
// import of a CommonJS export that Node cannot detect), so only this catches them.
//
//   node scripts/check-dist.mjs             # with whichever node runs it (npm test: on Node 24)
//   node scripts/check-dist.mjs --cli-only  # only the command (npm test on Node 20, where
//                                           # scripts/check-packages.mjs already imports every package)
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const problems = []

const cliOnly = process.argv.includes('--cli-only')

for (const dir of cliOnly ? [] : readdirSync(join(root, 'packages')).sort()) {
  const pkgPath = join(root, 'packages', dir, 'package.json')
  if (!existsSync(pkgPath)) continue
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'))
  if (pkg.private === true || pkg.exports?.['.'] === undefined) continue
  const target = join(root, 'packages', dir, pkg.exports['.'].default)
  if (!existsSync(target)) {
    problems.push(`${pkg.name}: ${pkg.exports['.'].default} was not built`)
    continue
  }
  // A fresh process per package, resolved from the repository root like an installed dependency: the
  // `default` condition, i.e. dist/.
  const probe = `const m = await import(${JSON.stringify(pkg.name)})
if (Object.keys(m).length === 0) throw new Error('the built entry exports nothing')`
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  })
  if (r.status !== 0) {
    const message = r.stderr.split('\n').find((l) => /Error|error:/.test(l)) ?? r.stderr.trim().split('\n')[0]
    problems.push(`${pkg.name}: ${message}`)
  }
}

const bin = join(root, 'packages', 'cli', 'bin', 'gracedb-kafka.js')
const cliChecks = [
  { args: ['--help'], expect: /^Usage: gracedb-kafka /m },
  { args: ['--version'], expect: /^\d+\.\d+\.\d+\s*$/ },
  { args: ['topic', 'make', 'gracedb-dev', 'gstlal'], expect: /^gracedb-dev\.gstlal\n$/ },
]
for (const { args, expect } of cliChecks) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 })
  if (r.status !== 0 || !expect.test(r.stdout)) {
    problems.push(
      `gracedb-kafka ${args.join(' ')}: exit ${r.status ?? r.signal}, stdout ${JSON.stringify(r.stdout.slice(0, 200))}, stderr ${JSON.stringify(r.stderr.slice(0, 400))}`,
    )
  }
}

if (problems.length > 0) {
  process.stderr.write(`check-dist (Node ${process.versions.node}):\n  ${problems.join('\n  ')}\n`)
  process.exit(1)
}
const what = cliOnly ? 'the built command runs' : 'every built package loads and the built command runs'
process.stderr.write(`check-dist: ${what} on Node ${process.versions.node}\n`)
