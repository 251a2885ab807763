#!/usr/bin/env node
// Make sure .venv/ holds the Python reference the interop tests (interop/) drive as a live peer:
// ligo-gracedb with the kafka extra (confluent-kafka, jsonschema), igwn-auth-utils and scitokens, at pinned
// versions, plus pytest to run the reference's own integration suite (interop/reference-suite.int.test.ts).
// Idempotent: when the pinned versions are already installed it only checks and returns (well under a second).
// Prints one line saying what it did; exits non-zero with the reason on failure.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const VENV = join(ROOT, '.venv')
const PY = join(VENV, 'bin', 'python')
const PINS = {
  'ligo-gracedb': '2.16.1',
  'confluent-kafka': '2.16.1',
  'igwn-auth-utils': '1.4.0',
  scitokens: '1.9.7',
  // The kafka extra pulls jsonschema in (every message is validated); pinned so the suite is reproducible.
  jsonschema: '4.26.0',
  // Runs kafka/test/integration/test_kafka_integration.py from the installed package.
  pytest: '9.2.0',
}
const REQUIREMENTS = [
  `ligo-gracedb[kafka]==${PINS['ligo-gracedb']}`,
  ...Object.keys(PINS)
    .filter((n) => n !== 'ligo-gracedb')
    .map((n) => `${n}==${PINS[n]}`),
]

function fail(message) {
  console.error(`setup-python-peer: ${message}`)
  process.exit(1)
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  if (r.error) fail(`${what}: ${r.error.message}`)
  if (r.status !== 0)
    fail(`${what} failed (exit ${r.status}):\n${(r.stderr || r.stdout).trim().slice(-2000)}`)
  return r.stdout
}

/** Installed versions (lower-case names), from pip's JSON listing; undefined when pip cannot answer. */
function installed() {
  try {
    const out = execFileSync(PY, ['-m', 'pip', 'list', '--format=json', '--disable-pip-version-check'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    return new Map(JSON.parse(out).map((p) => [p.name.toLowerCase(), p.version]))
  } catch {
    return undefined
  }
}

const ready = (have) =>
  have !== undefined && Object.entries(PINS).every(([name, version]) => have.get(name) === version)

let created = false
if (!existsSync(PY)) {
  const python = process.env.PYTHON ?? 'python3'
  run(python, ['-m', 'venv', VENV], `${python} -m venv ${VENV} (needs Python 3 with the venv module)`)
  created = true
}

let have = installed()
if (ready(have)) {
  console.log(
    `setup-python-peer: ready (${Object.entries(PINS)
      .map(([n, v]) => `${n} ${v}`)
      .join(', ')})`,
  )
  process.exit(0)
}

const started = Date.now()
run(
  PY,
  [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    '--quiet',
    '--only-binary',
    'confluent-kafka',
    ...REQUIREMENTS,
  ],
  `pip install ${REQUIREMENTS.join(' ')} (needs PyPI; confluent-kafka must come as a manylinux wheel)`,
)
// The peer scripts import these; fail here rather than in the middle of a test run.
run(
  PY,
  [
    '-c',
    'import confluent_kafka, jsonschema, ligo.gracedb.kafka.producer, igwn_auth_utils, scitokens, jwt, pytest',
  ],
  'import check',
)
have = installed()
if (!ready(have)) fail(`after installing, pip reports ${JSON.stringify(Object.fromEntries(have ?? []))}`)
console.log(
  `setup-python-peer: ${created ? 'created .venv and ' : ''}installed ${REQUIREMENTS.join(' ')} ` +
    `in ${((Date.now() - started) / 1000).toFixed(1)} s`,
)
