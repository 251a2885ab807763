import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../bin.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../../../..', import.meta.url))

/** A running `gracedb-kafka` child process (TypeScript source through tsx), with its output collected. */
export interface CliProcess {
  child: ChildProcess
  stdout(): string
  stderr(): string
  /** Resolves with the exit code (or the signal name) once the process has exited and its output is drained. */
  exited: Promise<number | string>
  /** Resolve when stdout (or stderr) matches `pattern`; reject after `ms`. */
  waitFor(pattern: RegExp, ms?: number, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>
}

/** Options for a spawned TypeScript process. */
export interface SpawnOptions {
  input?: string
  timeoutMs?: number
}

/** Start the command as a user would, from the repository root. The process is killed after `timeoutMs`. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, opts: SpawnOptions = {}): CliProcess {
  return startScript(BIN, args, env, opts)
}

/**
 * Run a TypeScript file in a child Node process through tsx, resolving workspace packages from their source.
 * The process is killed after `timeoutMs` (default 60 s).
 */
export function startScript(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: SpawnOptions = {},
): CliProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@gracedb-kafka/source', file, ...args],
    {
      cwd: ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  )
  let out = ''
  let err = ''
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString()
  })
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString()
  })
  if (opts.input !== undefined) child.stdin!.end(opts.input)
  else child.stdin!.end()
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
  const exited = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      resolve(code ?? signal ?? -1)
    })
  })
  const waitFor = (pattern: RegExp, ms = 30_000, stream: 'stdout' | 'stderr' = 'stdout') =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const started = Date.now()
      const tick = () => {
        const m = (stream === 'stdout' ? out : err).match(pattern)
        if (m) return resolve(m)
        if (Date.now() - started > ms) {
          return reject(
            new Error(`timed out waiting for ${pattern} on ${stream}; stdout: ${out} stderr: ${err}`),
          )
        }
        setTimeout(tick, 50)
      }
      tick()
    })
  return { child, stdout: () => out, stderr: () => err, exited, waitFor }
}

/** Run the command to completion. */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: SpawnOptions = {},
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const p = startCli(args, env, opts)
  const code = await p.exited
  return { code, stdout: p.stdout(), stderr: p.stderr() }
}
