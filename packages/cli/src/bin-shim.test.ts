import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The `gracedb-kafka` bin (packages/cli/bin/gracedb-kafka.js) must work in a fresh clone after `npm ci`, before
// any build, and from dist/ in an installed package. These tests run it as a user would, in child processes.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const CLI = join(ROOT, 'packages', 'cli')
const SPAWN_TIMEOUT_MS = 60_000

interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

function run(cmd: string, args: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve) => {
    // execFile's callback runs once the process has exited and its output is drained.
    execFile(
      cmd,
      args,
      { cwd, timeout: SPAWN_TIMEOUT_MS, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/**
 * A copy of the package as a fresh clone has it: bin/ and package.json, src/ (linked), the repository's
 * node_modules (linked), and no dist/.
 */
function freshCloneLayout(): { dir: string; bin: string; dist: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gracedb-kafka-bin-'))
  const pkg = join(dir, 'packages', 'cli')
  mkdirSync(pkg, { recursive: true })
  cpSync(join(CLI, 'bin'), join(pkg, 'bin'), { recursive: true })
  cpSync(join(CLI, 'package.json'), join(pkg, 'package.json'))
  symlinkSync(join(CLI, 'src'), join(pkg, 'src'), 'dir')
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return { dir, bin: join(pkg, 'bin', 'gracedb-kafka.js'), dist: join(pkg, 'dist') }
}

describe('the gracedb-kafka bin', () => {
  let layout: ReturnType<typeof freshCloneLayout>
  beforeAll(() => {
    layout = freshCloneLayout()
  })
  afterAll(() => {
    rmSync(layout.dir, { recursive: true, force: true })
  })

  it('without dist/ runs the TypeScript source: --help lists every command', {
    timeout: 2 * SPAWN_TIMEOUT_MS,
  }, async () => {
    expect(existsSync(layout.dist)).toBe(false)
    const r = await run(process.execPath, [layout.bin, '--help'], layout.dir)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: gracedb-kafka \[options\] \[command\]/)
    for (const command of ['topic', 'token', 'ping', 'produce', 'consume', 'create-event', 'dev', 'demo']) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'))
    }
  })

  it('without dist/ resolves the workspace packages from source (a command that uses @gracedb-kafka/topics)', {
    timeout: 2 * SPAWN_TIMEOUT_MS,
  }, async () => {
    const r = await run(process.execPath, [layout.bin, 'topic', 'make', 'gracedb-dev', 'gstlal'], layout.dir)
    expect(r).toEqual({ code: 0, stdout: 'gracedb-dev.gstlal\n', stderr: '' })
  })

  it('with dist/ runs dist/bin.js, even where tsx is not installed (a published package)', {
    timeout: 2 * SPAWN_TIMEOUT_MS,
  }, async () => {
    const installed = mkdtempSync(join(tmpdir(), 'gracedb-kafka-installed-'))
    try {
      cpSync(join(CLI, 'bin'), join(installed, 'bin'), { recursive: true })
      cpSync(join(CLI, 'package.json'), join(installed, 'package.json'))
      mkdirSync(join(installed, 'dist'))
      writeFileSync(
        join(installed, 'dist', 'bin.js'),
        "console.log('dist', process.argv.slice(2).join(' '))\n",
      )
      const r = await run(process.execPath, [join(installed, 'bin', 'gracedb-kafka.js'), '--help'], installed)
      expect(r).toEqual({ code: 0, stdout: 'dist --help\n', stderr: '' })
    } finally {
      rmSync(installed, { recursive: true, force: true })
    }
  })

  it('without dist/ and without tsx says what to do (exit 1)', {
    timeout: 2 * SPAWN_TIMEOUT_MS,
  }, async () => {
    const bare = mkdtempSync(join(tmpdir(), 'gracedb-kafka-bare-'))
    try {
      cpSync(join(CLI, 'bin'), join(bare, 'bin'), { recursive: true })
      const r = await run(process.execPath, [join(bare, 'bin', 'gracedb-kafka.js'), '--help'], bare)
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(/not built \(no dist\/\) and tsx is not installed.*npm ci/)
    } finally {
      rmSync(bare, { recursive: true, force: true })
    }
  })

  it('npx gracedb-kafka --help works in the checkout without asking the registry', {
    timeout: 2 * SPAWN_TIMEOUT_MS,
  }, async () => {
    // `npm ci` links the workspace bin into node_modules/.bin; --no-install makes npx fail instead of fetching.
    const r = await run('npx', ['--no-install', 'gracedb-kafka', '--help'], ROOT)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: gracedb-kafka \[options\] \[command\]/)
  })
})
