import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'

/**
 * A POSIX sh wrapper: starts the command in the background with its output appended to the log file, prints
 * its pid, then watches its own stdin, a pipe from the Node process. When that pipe closes — the parent
 * exited, crashed or was killed with SIGKILL — the wrapper kills the JVM with SIGKILL. It exits with the
 * JVM's exit status.
 */
const WATCHDOG = `
log="$1"; shift
exec 3<&0
"$@" </dev/null >>"$log" 2>&1 &
child=$!
echo "$child"
( while IFS= read -r _ <&3; do :; done; kill -9 "$child" 2>/dev/null ) &
watcher=$!
wait "$child"
code=$?
kill "$watcher" 2>/dev/null
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
}

const live = new Set<number>()
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
  })
}

/**
 * Spawn `java` with the given arguments under the watchdog wrapper, appending stdout and stderr to `logFile`.
 *
 * @example
 * ```ts
 * const jvm = await spawnJvm(['-cp', cp, 'kafka.Kafka', 'server.properties'], '/tmp/broker.log')
 * await jvm.stop()
 * ```
 */
export async function spawnJvm(
  args: string[],
  logFile: string,
  env?: NodeJS.ProcessEnv,
): Promise<JvmProcess> {
  installExitHook()
  const java = process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : 'java'
  const wrapper: ChildProcess = spawn(
    '/bin/sh',
    ['-c', WATCHDOG, 'testkit-watchdog', logFile, java, ...args],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: env ?? process.env,
    },
  )
  // The wrapper must not keep the event loop (and so a test runner) alive by itself.
  wrapper.unref()
  ;(wrapper.stdin as unknown as { unref?: () => void }).unref?.()
  ;(wrapper.stdout as unknown as { unref?: () => void }).unref?.()

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
    },
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

/** Wait for an event with a timeout (small helper so callers do not leak timers). */
export async function onceWithTimeout(
  emitter: NodeJS.EventEmitter,
  event: string,
  ms: number,
): Promise<void> {
  const ac = new AbortController()
  const timer = setTimeout(() => ac.abort(), ms)
  try {
    await once(emitter, event, { signal: ac.signal })
  } finally {
    clearTimeout(timer)
  }
}
