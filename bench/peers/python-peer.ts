// The Python reference (ligo-gracedb 2.16.1 in the project's .venv) as a contender: make sure the venv exists
// through the project's own scripts/setup-python-peer.mjs, then run bench/peers/python/*.py with a hard time
// bound (SIGKILL: the reference's stream() traps SIGTERM), so no Python process outlives the bench.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { lastJsonLine, tail } from '../../scripts/run-child.js'
import { runTracked } from './children.js'
import { INSTANCE, type PeersEnv } from './setup.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const HERE = fileURLToPath(new URL('./python/', import.meta.url))
export const PYTHON: string = join(ROOT, '.venv', 'bin', 'python')

/** Create or check the venv (idempotent, well under a second when ready). Throws with the script's output. */
export function ensurePythonPeer(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'setup-python-peer.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  if (r.status !== 0) throw new Error(`python peer set-up failed: ${r.stderr || r.stdout}`)
  process.stdout.write(r.stdout)
}

/** Versions of Python, ligo-gracedb, confluent-kafka and librdkafka, as the venv reports them. */
export function pythonVersions(): Record<string, string> {
  const code =
    'import sys, json, confluent_kafka; from importlib.metadata import version; ' +
    'print(json.dumps({"python": sys.version.split()[0], "ligo-gracedb": version("ligo-gracedb"), ' +
    '"confluent-kafka": version("confluent-kafka"), "librdkafka": confluent_kafka.libversion()[0]}))'
  const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8' })
  return r.status === 0 ? (JSON.parse(r.stdout) as Record<string, string>) : {}
}

function pyEnv(env: PeersEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_RUNTIME_DIR: env.dir,
    XDG_CACHE_HOME: join(env.dir, 'cache'),
    PYTHONDONTWRITEBYTECODE: '1',
    BEARER_TOKEN_FILE: env.tokenFile,
    BP_BOOTSTRAP_SERVERS: env.kafka.bootstrapServers,
    BP_CA_CERT_PATH: env.kafka.caCertPath,
    BP_INSTANCE: INSTANCE,
    BP_PADS_FILE: env.padsFile,
    BP_ISSUER: env.kafka.issuer.issuer,
    BP_ISSUER_JWKS: JSON.stringify(env.kafka.issuer.jwks),
  }
}

/**
 * Run `bench/peers/python/<script>` and return the JSON document it prints. Rejects on a non-zero exit, on
 * output that is not JSON, and after `timeoutMs` (the process is SIGKILLed first).
 */
export async function runPython<T>(
  env: PeersEnv,
  script: string,
  args: string[],
  timeoutMs: number,
): Promise<T> {
  const r = await runTracked(PYTHON, [join(HERE, script), ...args], { cwd: HERE, env: pyEnv(env), timeoutMs })
  const last = tail(r.stderr, 15)
  if (r.timedOut) throw new Error(`python ${script} killed after ${timeoutMs} ms\n${last}`)
  if (r.code !== 0) throw new Error(`python ${script} exited ${r.code}\n${last}`)
  try {
    return lastJsonLine<T>(r.stdout)
  } catch {
    throw new Error(`python ${script} printed no JSON result: ${r.stdout.slice(0, 500)}\n${last}`)
  }
}

/**
 * The reference's producer (python/produce.py) on `topic` (a full `peers.<name>` topic): `count` messages at
 * `compression` (`default` keeps its zstd), optionally idempotent; msg/s and the process's CPU ms while timed.
 */
export async function pythonProduce(
  env: PeersEnv,
  topic: string,
  count: number,
  compression: string,
  idempotent = false,
): Promise<{ rate: number; cpuMs: number }> {
  const args = [
    topic.slice(INSTANCE.length + 1),
    String(count),
    compression,
    ...(idempotent ? ['idempotent'] : []),
  ]
  const r = await runPython<{ rate: number; cpu: number }>(env, 'produce.py', args, 600_000)
  return { rate: r.rate, cpuMs: r.cpu * 1000 }
}
