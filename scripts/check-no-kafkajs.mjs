#!/usr/bin/env node
// Checks that installing @gracedb-kafka/topics and @gracedb-kafka/auth (with their internal dependency
// @gracedb-kafka/core) into an empty project does not pull in kafkajs, and that the packages import.
//
// Builds nothing: run `npx turbo run build` first. Packs core, topics and auth (whichever of topics/auth exist)
// with `npm pack`, installs the tarballs together into a fresh project in a temp dir (so @gracedb-kafka/core
// comes from the local tarball, never the registry; third-party deps such as zod come from the registry),
// then checks node_modules. Prints one line per check; exits 1 if any check fails. Removes the temp dir.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

// name -> a tiny ESM script run inside the fresh project; it must exit 0 and print what it checked.
const IMPORT_CHECKS = {
  '@gracedb-kafka/topics': `import { makeTopicName } from '@gracedb-kafka/topics'
const t = makeTopicName('gracedb-dev', 'gstlal')
if (t !== 'gracedb-dev.gstlal') throw new Error('makeTopicName returned ' + t)
console.log('makeTopicName("gracedb-dev", "gstlal") = ' + t)`,
  '@gracedb-kafka/auth': `import * as auth from '@gracedb-kafka/auth'
for (const name of ['getScitokenForKafka', 'createOAuthCallback', 'SciTokenRefreshManager', 'KafkaTokenError']) {
  if (typeof auth[name] !== 'function') throw new Error(name + ' is not exported')
}
console.log('exports getScitokenForKafka, createOAuthCallback, SciTokenRefreshManager, KafkaTokenError')`,
  '@gracedb-kafka/core': `import { KafkaError, KafkaTokenError } from '@gracedb-kafka/core'
if (!(new KafkaTokenError('x') instanceof KafkaError)) throw new Error('error tree broken')
console.log('KafkaTokenError instanceof KafkaError')`,
}

let failures = 0
function report(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` (${detail})` : ''}`)
  if (!ok) failures++
  return ok
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  })
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim(), stdout: r.stdout ?? '' }
}

// Which packages to pack: core always; topics and auth when their directories exist.
const wanted = ['core', 'topics', 'auth'].filter((dir) =>
  existsSync(join(root, 'packages', dir, 'package.json')),
)
if (!wanted.includes('topics') && !wanted.includes('auth')) {
  report(false, 'neither packages/topics nor packages/auth exists; nothing to check')
  process.exit(1)
}

const tmp = mkdtempSync(join(tmpdir(), 'gracedb-kafka-no-kafkajs-'))
try {
  const tarballs = []
  const names = []
  for (const dir of wanted) {
    const pkgDir = join(root, 'packages', dir)
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'))
    if (
      !report(existsSync(join(pkgDir, 'dist', 'index.js')), `${pkg.name} is built`, `packages/${dir}/dist`)
    ) {
      console.log('     run `npx turbo run build` first')
      continue
    }
    const packed = run(npm, ['pack', '--json', '--pack-destination', tmp], pkgDir)
    let file
    try {
      file = JSON.parse(packed.stdout)[0]?.filename
    } catch {}
    if (!report(packed.ok && Boolean(file), `npm pack ${pkg.name}`, file ?? packed.out.slice(-500))) continue
    // Scoped names pack to "gracedb-kafka-topics-0.1.0.tgz"; npm reports the file name.
    tarballs.push(join(tmp, file.replace(/^@/, '').replace('/', '-')))
    names.push(pkg.name)
  }
  if (failures > 0) throw new Error('packing failed')

  const project = join(tmp, 'project')
  run('mkdir', ['-p', project], tmp)
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'no-kafkajs-check', version: '0.0.0', private: true, type: 'module' }, null, 2),
  )
  const install = run(
    npm,
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-workspaces', ...tarballs],
    project,
  )
  if (
    !report(
      install.ok,
      `npm install ${names.join(' ')} from tarballs into an empty project`,
      install.ok ? '' : install.out.slice(-1500),
    )
  ) {
    throw new Error('install failed')
  }

  const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8'))
  const installed = Object.keys(lock.packages ?? {}).filter((p) => p !== '')
  for (const name of names) {
    const entry = lock.packages[`node_modules/${name}`]
    const resolved = entry?.resolved ?? ''
    report(
      resolved.startsWith('file:') && resolved.endsWith('.tgz'),
      `${name} resolves to the local tarball`,
      resolved || 'missing',
    )
  }
  const nested = installed.filter(
    (p) => /(^|\/)node_modules\/@gracedb-kafka\/core$/.test(p) && p !== 'node_modules/@gracedb-kafka/core',
  )
  report(nested.length === 0, 'a single copy of @gracedb-kafka/core is installed', nested.join(', '))

  const kafkajsPaths = installed.filter((p) => /(^|\/)node_modules\/kafkajs$/.test(p))
  report(!existsSync(join(project, 'node_modules', 'kafkajs')), 'node_modules/kafkajs does not exist')
  report(
    kafkajsPaths.length === 0,
    `kafkajs is nowhere in the installed tree (${installed.length} packages)`,
    kafkajsPaths.join(', '),
  )

  for (const name of names) {
    const script = IMPORT_CHECKS[name]
    if (!script) continue
    const r = run(process.execPath, ['--input-type=module', '-e', script], project)
    report(r.ok, `import('${name}') works in the fresh project`, r.out.split('\n').slice(-3).join(' | '))
  }
} catch (err) {
  if (failures === 0) report(false, 'unexpected error', String(err?.stack ?? err))
} finally {
  rmSync(tmp, { recursive: true, force: true })
  report(!existsSync(tmp), 'temp dir removed', tmp)
}
process.exit(failures === 0 ? 0 : 1)
