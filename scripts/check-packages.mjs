#!/usr/bin/env node
// Runs publint and @arethetypeswrong/cli over every publishable package (after `npm run build`).
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const pkgsDir = join(root, 'packages')
let bad = 0
for (const dir of readdirSync(pkgsDir)) {
  const pkg = JSON.parse(readFileSync(join(pkgsDir, dir, 'package.json'), 'utf8'))
  if (pkg.private) continue
  const cwd = join(pkgsDir, dir)
  for (const [cmd, args] of [
    ['npx', ['publint', '--strict', '.']],
    ['npx', ['attw', '--pack', '.', '--profile', 'esm-only', '--format', 'table-flipped']],
    // The built output must load under plain Node (no source condition, no bundler): this catches, e.g., a
    // named import that Node's CommonJS interop cannot see.
    [process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(pkg.name)})`]],
  ]) {
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' })
    const ok = r.status === 0
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${pkg.name}: ${cmd === process.execPath ? 'import dist with plain node' : args[0]}`,
    )
    if (!ok) {
      bad++
      console.log((r.stdout + r.stderr).trim())
    }
  }
}
process.exit(bad === 0 ? 0 : 1)
