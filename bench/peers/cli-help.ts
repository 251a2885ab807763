// `--help` wall time: our command as a user of the published package runs it, against the reference's
// `gracedb --help` from the venv. The published layout is rebuilt in .cache/bench-peers/cli-install/ (every
// workspace package's src transpiled file by file to dist/ with esbuild, as tsc emits it, next to its
// package.json and bin/), so the checkout's packages/*/dist are never touched and other work in the tree is
// not affected. The clone-without-build path (the bin shim running the sources through tsx) is timed too.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { transform } from 'esbuild'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const INSTALL = join(ROOT, '.cache', 'bench-peers', 'cli-install')

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

/** Lay out node_modules/@gracedb-kafka/* as an install of the packages built from the current sources. */
export async function buildCliInstall(): Promise<string> {
  rmSync(INSTALL, { recursive: true, force: true })
  const packages = join(ROOT, 'packages')
  for (const name of readdirSync(packages)) {
    const src = join(packages, name, 'src')
    if (!existsSync(src)) continue
    const pkgJson = JSON.parse(await readFile(join(packages, name, 'package.json'), 'utf8')) as {
      name: string
    }
    const out = join(INSTALL, 'node_modules', pkgJson.name)
    await mkdir(out, { recursive: true })
    cpSync(join(packages, name, 'package.json'), join(out, 'package.json'))
    if (existsSync(join(packages, name, 'bin')))
      cpSync(join(packages, name, 'bin'), join(out, 'bin'), { recursive: true })
    for (const file of walk(src)) {
      const rel = relative(src, file)
      if (/\.test\.ts$/.test(rel) || rel.startsWith('testing') || !rel.endsWith('.ts')) continue
      const target = join(out, 'dist', rel.replace(/\.ts$/, '.js'))
      await mkdir(dirname(target), { recursive: true })
      const { code } = await transform(await readFile(file, 'utf8'), {
        loader: 'ts',
        format: 'esm',
        target: 'es2022',
        sourcefile: file,
      })
      await writeFile(target, code)
    }
  }
  return join(INSTALL, 'node_modules', '@gracedb-kafka', 'cli', 'bin', 'gracedb-kafka.js')
}

/** Wall time in seconds of `runs` runs of `cmd args` (one untimed run first, to warm the file cache). */
export function timeRuns(cmd: string, args: string[], runs: number): number[] {
  const once = (): number => {
    const t0 = performance.now()
    const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: ROOT, timeout: 60_000 })
    const s = (performance.now() - t0) / 1000
    if (r.status !== 0 || !/usage/i.test(r.stdout)) {
      throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr.slice(-500)}`)
    }
    return s
  }
  once()
  return Array.from({ length: runs }, once)
}

export const NODE = process.execPath
export const SHIM = join(ROOT, 'packages', 'cli', 'bin', 'gracedb-kafka.js')
export const REFERENCE_CLI = join(ROOT, '.venv', 'bin', 'gracedb')
