// Helpers for the interoperability tests: spawn the Python peer scripts (ligo-gracedb as a live peer) with
// bounded time, read raw bytes from the broker over PLAINTEXT, and bring our decoded messages into the form
// the Python peer prints (bytes as {"$bytes": base64}).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Kafka, logLevel } from 'kafkajs'
import { runChild } from '../scripts/run-child.js'

const HERE = fileURLToPath(new URL('.', import.meta.url))
/** The reference's virtualenv, created by scripts/setup-python-peer.mjs. */
export const PYTHON: string = fileURLToPath(new URL('../.venv/bin/python', import.meta.url))

/** Fail with the command that fixes it when the virtualenv is missing. */
export function assertPythonPeer(): void {
  if (!existsSync(PYTHON)) {
    throw new Error(`no Python peer at ${PYTHON}; run: node scripts/setup-python-peer.mjs`)
  }
}

/** What a peer script did. `json` holds every stdout line parsed as JSON. */
export interface PeerRun {
  code: number | string
  stdout: string
  stderr: string
  json: unknown[]
  ms: number
}

/** What a run of the virtualenv's Python did, output as text. */
export interface VenvRun {
  code: number | string
  stdout: string
  stderr: string
  ms: number
}

/**
 * Run the virtualenv's Python with `args` in `cwd`. stdin gets `input`; the process is killed (SIGKILL) after
 * `timeoutMs` and the run then rejects, with its output, so a hang never outlives the test.
 *
 * @example
 * ```ts
 * const r = await runVenvPython(['-m', 'pytest', '--version'], env, { cwd: dir })
 * ```
 */
export async function runVenvPython(
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<VenvRun> {
  const timeoutMs = opts.timeoutMs ?? 30_000
  const r = await runChild(PYTHON, args, { cwd: opts.cwd ?? HERE, env, input: opts.input, timeoutMs })
  if (r.timedOut) {
    const what = args.slice(0, 3).join(' ')
    throw new Error(`python ${what} killed after ${timeoutMs} ms; stdout: ${r.stdout} stderr: ${r.stderr}`)
  }
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, ms: r.ms }
}

/**
 * Run `interop/<script>` with the virtualenv's Python (see {@link runVenvPython}) and parse every stdout line
 * as JSON.
 *
 * @example
 * ```ts
 * const r = await runPython('py_topics.py', [], env, { input: JSON.stringify(table) })
 * ```
 */
export async function runPython(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<PeerRun> {
  const run = await runVenvPython([`${HERE}${script}`, ...args], env, { ...opts, cwd: HERE })
  const json = run.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown)
  return { ...run, json }
}

/** One message as it is on the broker: raw key, value and headers, no decoding. */
export interface RawRecord {
  topic: string
  partition: number
  offset: number
  key: Buffer | null
  value: Buffer | null
  headers: Record<string, Buffer>
}

/**
 * Read raw records of `topic` from the beginning over PLAINTEXT (a plain kafkajs consumer, no GraceDB code)
 * until `done(records)` is true; rejects after `timeoutMs`.
 *
 * @example
 * ```ts
 * const records = await readRaw(kafka.plaintextBootstrapServers, 'localhost.x', (r) => r.length >= 2)
 * ```
 */
export async function readRaw(
  plaintextBootstrapServers: string,
  topic: string,
  done: (records: RawRecord[]) => boolean,
  timeoutMs = 20_000,
): Promise<RawRecord[]> {
  const kafka = new Kafka({
    brokers: plaintextBootstrapServers.split(','),
    clientId: 'interop-raw-reader',
    logLevel: logLevel.NOTHING,
  })
  const consumer = kafka.consumer({
    groupId: `interop-raw-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  })
  const records: RawRecord[] = []
  try {
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`readRaw(${topic}): only ${records.length} record(s) after ${timeoutMs} ms`)),
        timeoutMs,
      )
      consumer.on(consumer.events.CRASH, (e) => {
        clearTimeout(timer)
        reject(e.payload.error)
      })
      consumer
        .run({
          eachMessage: async ({ topic: t, partition, message }) => {
            const headers: Record<string, Buffer> = {}
            for (const [k, v] of Object.entries(message.headers ?? {})) {
              if (Buffer.isBuffer(v)) headers[k] = v
              else if (typeof v === 'string') headers[k] = Buffer.from(v)
            }
            records.push({
              topic: t,
              partition,
              offset: Number(message.offset),
              key: message.key,
              value: message.value,
              headers,
            })
            if (done(records)) {
              clearTimeout(timer)
              resolve()
            }
          },
        })
        .catch(reject)
    })
  } finally {
    await consumer.disconnect()
  }
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset)
}

/** Replace every byte array by `{"$bytes": base64}`, the form the Python peer prints bytes in. */
export function peerForm(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') }
  if (Array.isArray(value)) return value.map(peerForm)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, peerForm(v)]))
  }
  return value
}
