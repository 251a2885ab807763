// The Python reference (ligo-gracedb 2.16.1, confluent-kafka/librdkafka, in the project's .venv) as a contender
// in the consumer benchmarks: bench/consumer/python_stream.py run in a child process.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Bench } from './setup.js'

const PY = fileURLToPath(new URL('../../.venv/bin/python', import.meta.url))
const SCRIPT = fileURLToPath(new URL('./python_stream.py', import.meta.url))
const OURS = fileURLToPath(new URL('./latency-child.ts', import.meta.url))

/** Whether the project's venv (with ligo-gracedb) is there. */
export const havePython = (): boolean => existsSync(PY)

/**
 * Run the reference's stream() over `topic` (`'instance.name'`) in `mode`; `onReady` is called once it has its
 * assignment (latency mode). Resolves with the script's JSON result; `stop` sends SIGTERM, which ends the
 * reference's stream() loop cleanly (the script then prints what it has).
 */
export function runPython<T>(
  bench: Bench,
  mode: 'throughput' | 'latency',
  topic: string,
  group: string,
  count: number,
  onReady?: () => void,
): { result: Promise<T>; stop: () => void } {
  const dot = topic.indexOf('.')
  const args = [SCRIPT, mode, bench.kafka.bootstrapServers, topic.slice(0, dot), topic.slice(dot + 1)]
  args.push(bench.kafka.caCertPath, group, String(count))
  return runChild<T>(PY, args, onReady)
}

/** Our consumer's latency run in a child process (bench/consumer/latency-child.ts), like {@link runPython}. */
export function runOursChild<T>(
  bench: Bench,
  topic: string,
  count: number,
  onReady: () => void,
): { result: Promise<T>; stop: () => void } {
  const dot = topic.indexOf('.')
  const args = ['--conditions=@gracedb-kafka/source', '--import', 'tsx', OURS, bench.kafka.bootstrapServers]
  args.push(topic.slice(0, dot), topic.slice(dot + 1), bench.kafka.caCertPath, String(count))
  return runChild<T>(process.execPath, args, onReady)
}

function runChild<T>(
  command: string,
  args: string[],
  onReady: (() => void) | undefined,
): { result: Promise<T>; stop: () => void } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
    if (onReady !== undefined && out.includes('ready\n')) {
      out = out.replace('ready\n', '')
      const ready = onReady
      onReady = undefined
      ready()
    }
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk
  })
  const result = new Promise<T>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${command} exited with ${code}: ${err.slice(-2000)}`))
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? 'null') as T)
    })
  })
  return { result, stop: () => child.kill('SIGTERM') }
}
