// One way to run a child process with a hard time bound, shared by the bench (bench/peers: Python, Java and
// Node contenders) and the interoperability tests (interop/python-peer.ts). It lives here, not in bench/ or
// interop/, so that neither of those depends on the other.
import { type ChildProcess, spawn } from 'node:child_process'

/** What a child did: its exit code (or the signal that ended it), its output, and how long it ran. */
export interface ChildRun {
  code: number | string
  stdout: string
  stderr: string
  ms: number
  /** True when the child was SIGKILLed because `timeoutMs` passed. */
  timedOut: boolean
}

export interface ChildOptions {
  env?: NodeJS.ProcessEnv | undefined
  cwd?: string | undefined
  /** Written to the child's stdin, which is then closed (default: nothing, stdin closed at once). */
  input?: string | undefined
  /** SIGKILL the child after this many milliseconds. */
  timeoutMs: number
  /** Called with the child as soon as it is spawned (the bench tracks its children to kill them on SIGINT). */
  onSpawn?: (child: ChildProcess) => void
}

/**
 * Run `command args`, collect stdout and stderr, SIGKILL it after `timeoutMs`. Resolves when the child has
 * closed, whatever its exit code (the caller decides what a failure is); rejects only if it cannot be spawned.
 *
 * @example
 * ```ts
 * const r = await runChild('java', ['-version'], { timeoutMs: 10_000 })
 * if (r.code !== 0) throw new Error(stderrTail(r.stderr))
 * ```
 */
export function runChild(command: string, args: string[], opts: ChildOptions): Promise<ChildRun> {
  const started = Date.now()
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: 'pipe' })
  opts.onSpawn?.(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString()
  })
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString()
  })
  child.stdin.on('error', () => {}) // a child that exits without reading its stdin
  child.stdin.end(opts.input ?? '')
  return new Promise((resolve, reject) => {
    let timedOut = false
    const killer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, opts.timeoutMs)
    child.on('error', (err) => {
      clearTimeout(killer)
      reject(err)
    })
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      resolve({ code: code ?? signal ?? -1, stdout, stderr, ms: Date.now() - started, timedOut })
    })
  })
}

/** The last `lines` lines of `text`, trimmed (for an error message). */
export function tail(text: string, lines: number): string {
  return text.trim().split('\n').slice(-lines).join('\n')
}

/** The last stdout line of a run, parsed as JSON (the bench scripts print their result last). */
export function lastJsonLine<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as T
}
