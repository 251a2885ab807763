import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { javaBin } from './java.js'

/**
 * A POSIX sh wrapper: starts the command in the background with its output appended to the log file, prints
 * its pid, then watches its own stdin, a pipe from the Node process. When that pipe closes — the parent
 * exited, crashed or was killed with SIGKILL — the wrapper kills the JVM with SIGKILL and, if its parent is
 * gone, removes the cleanup directory. SIGTERM sent to the wrapper (e.g. to a whole process group) is passed
 * on to the JVM and the wrapper keeps supervising; it exits with the JVM's exit status.
 */
const WATCHDOG = `
log="$1"; cleanup="$2"; shift 2
trap '' INT
trap 'kill -TERM "$child" 2>/dev/null' TERM
exec 3<&0
"$@" </dev/null >>"$log" 2>&1 &
child=$!
echo "$child"
( trap - TERM; while IFS= read -r _ <&3; do :; done; kill -9 "$child" 2>/dev/null ) &
watcher=$!
code=0
while :; do wait "$child"; code=$?; kill -0 "$child" 2>/dev/null || break; done
kill "$watcher" 2>/dev/null
if [ -n "$cleanup" ] && ! kill -0 "$PPID" 2>/dev/null; then rm -rf "$cleanup"; fi
exit "$code"
`

/** A JVM started under the watchdog. */
export interface JvmProcess {
  /** The JVM's pid (not the wrapper's). */
  readonly pid: number
  /** Resolves with the exit code (or signal name) once the JVM has exited. */
  readonly exited: Promise<number | string>
  /** True until the JVM has exited. */
  running(): boolean
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the JVM is gone. */
  stop(graceMs?: number): Promise<void>
  /** Send `signal` (default SIGKILL) to the JVM and resolve once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>
}

const live = new Set<number>()
const cleanupDirs = new Set<string>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // Belt and braces: the stdin pipe already covers a dying parent; this covers a normal exit immediately.
  process.on('exit', () => {
    for (const pid of live) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
    for (const dir of cleanupDirs) {
      try {
        rmSync(dir, { recursive: true, force: true })
      } catch {}
    }
  })
}

/**
 * Remove `dir` when this process exits or dies (by the exit hook, or by a watchdog once its parent is gone),
 * unless {@link forgetCleanupDir} was called first.
 */
export function registerCleanupDir(dir: string): void {
  installExitHook()
  cleanupDirs.add(dir)
}

/** Stop tracking a directory registered with {@link registerCleanupDir} (after removing it yourself). */
export function forgetCleanupDir(dir: string): void {
  cleanupDirs.delete(dir)
}

/**
 * Spawn `java` with the given arguments under the watchdog wrapper, appending stdout and stderr to `logFile`.
 *
 * @example
 * ```ts
 * const jvm = await spawnJvm(['-cp', cp, 'kafka.Kafka', 'server.properties'], '/tmp/broker.log', { cleanupDir: '/tmp/k' })
 * await jvm.stop()
 * ```
 */
export async function spawnJvm(
  args: string[],
  logFile: string,
  opts: { cleanupDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<JvmProcess> {
  installExitHook()
  const java = javaBin()
  const argv = ['-c', WATCHDOG, 'testkit-watchdog', logFile, opts.cleanupDir ?? '', java, ...args]
  const wrapper: ChildProcess = spawn('/bin/sh', argv, {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: opts.env ?? process.env,
  })

  const exited = new Promise<number | string>((resolvePromise) => {
    wrapper.on('exit', (code, signal) => resolvePromise(code ?? signal ?? 'unknown'))
  })
  const pid = await new Promise<number>((resolvePromise, reject) => {
    let buffered = ''
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8')
      const line = buffered.split('\n')[0]
      if (buffered.includes('\n') && line) {
        wrapper.stdout?.off('data', onData)
        resolvePromise(Number(line.trim()))
      }
    }
    wrapper.stdout?.on('data', onData)
    wrapper.on('error', reject)
    wrapper.on('exit', () => reject(new Error(`java did not start: ${tail(logFile, 20)}`)))
  })
  live.add(pid)
  // Once started, the wrapper must not keep the event loop (and so a test runner) alive by itself.
  wrapper.unref()
  ;(wrapper.stdin as unknown as { unref?: () => void }).unref?.()
  ;(wrapper.stdout as unknown as { unref?: () => void }).unref?.()
  let alive = true
  void exited.then(() => {
    alive = false
    live.delete(pid)
    wrapper.stdin?.destroy()
  })

  return {
    pid,
    exited,
    running: () => alive,
    async stop(graceMs = 10_000): Promise<void> {
      if (!alive) return
      // The wrapper is unref'd so a running broker never holds the event loop open; while we wait for it
      // to exit it must, or a plain script whose only pending work is this stop() exits before the
      // wrapper's 'exit' event arrives (a top-level await that never settles, exit code 13).
      wrapper.ref()
      try {
        await stopJvm(pid, exited, graceMs)
      } finally {
        wrapper.unref()
      }
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
      if (!alive) return
      wrapper.ref()
      try {
        try {
          process.kill(pid, signal)
        } catch {}
        await exited
      } finally {
        wrapper.unref()
      }
    },
  }
}

/** SIGTERM, SIGKILL after `graceMs`, then make sure the JVM is gone even if its wrapper died first. */
async function stopJvm(pid: number, exited: Promise<number | string>, graceMs: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM')
  } catch {}
  const timer = setTimeout(() => {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
  }, graceMs)
  await exited
  clearTimeout(timer)
  for (let i = 0; i < 100 && isAlive(pid); i++) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
    await sleep(50)
  }
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return true
  }
}

/**
 * Resident memory of process `pid` in bytes (Linux `/proc`), or undefined when it cannot be read.
 *
 * @example
 * ```ts
 * const mb = Math.round((residentBytes(jvm.pid) ?? 0) / 2 ** 20)
 * ```
 */
export function residentBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]
    return kb === undefined ? undefined : Number(kb) * 1024
  } catch {
    return undefined
  }
}

/** The last `lines` lines of a log file ('' when unreadable). */
export function tail(file: string, lines = 60): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}
