#!/usr/bin/env node
// Complete package-lock.json with the optional platform builds of biome and turbo that this workplace's
// package registry does not serve (it has their Linux builds only). npm cannot record a package it cannot
// fetch, and then `npm ci` rejects the lockfile as out of sync with package.json. The entries added here are
// what a lockfile made against the full public registry holds: name, version, optional, and the os/cpu/libc
// that make npm skip them on any other platform. Run after `npm install` changes the lockfile:
//   npm run lockfile
import { readFileSync, writeFileSync } from 'node:fs'

const PLATFORMS = {
  '@biomejs/cli-android-arm64': { os: ['android'], cpu: ['arm64'] },
  '@biomejs/cli-android-x64': { os: ['android'], cpu: ['x64'] },
  '@biomejs/cli-darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  '@biomejs/cli-darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  '@biomejs/cli-linux-arm64': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  '@biomejs/cli-linux-arm64-musl': { os: ['linux'], cpu: ['arm64'], libc: ['musl'] },
  '@biomejs/cli-linux-x64': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
  '@biomejs/cli-linux-x64-musl': { os: ['linux'], cpu: ['x64'], libc: ['musl'] },
  '@biomejs/cli-win32-arm64': { os: ['win32'], cpu: ['arm64'] },
  '@biomejs/cli-win32-x64': { os: ['win32'], cpu: ['x64'] },
  '@turbo/darwin-64': { os: ['darwin'], cpu: ['x64'] },
  '@turbo/darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  '@turbo/linux-64': { os: ['linux'], cpu: ['x64'] },
  '@turbo/linux-arm64': { os: ['linux'], cpu: ['arm64'] },
  '@turbo/windows-64': { os: ['win32'], cpu: ['x64'] },
  '@turbo/windows-arm64': { os: ['win32'], cpu: ['arm64'] },
}

const file = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(file, 'utf8'))
const added = []
const unknown = []
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const where = `node_modules/${name}`
    if (lock.packages[where]) continue
    const platform = PLATFORMS[name]
    if (!platform) {
      unknown.push(`${name}@${version} (optional dependency of ${path || 'the root'})`)
      continue
    }
    lock.packages[where] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    }
    added.push(`${name}@${version}`)
  }
}
const sorted = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  ),
)
lock.packages = sorted
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`)
console.log(
  added.length ? `complete-lockfile: added ${added.join(', ')}` : 'complete-lockfile: nothing missing',
)
if (unknown.length) {
  console.error(
    `complete-lockfile: optional dependencies missing from the lockfile with no known platform:\n  ${unknown.join('\n  ')}`,
  )
  process.exit(1)
}
