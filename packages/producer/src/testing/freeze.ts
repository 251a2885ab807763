// Test helper (not part of the package API): freeze a broker JVM with SIGSTOP and return only once the kernel
// shows every one of its threads stopped, so that nothing sent afterwards can be answered until SIGCONT.
import { readdirSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

/** The scheduler state letter of every thread of `pid` (Linux `/proc/<pid>/task/<tid>/stat`), by thread id. */
export function threadStates(pid: number): Map<number, string> {
  const states = new Map<number, string>()
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      // "tid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'.
      states.set(Number(tid), stat.charAt(stat.lastIndexOf(')') + 2))
    } catch {
      // the thread exited between the listing and the read
    }
  }
  return states
}

/**
 * Send SIGSTOP to `pid` and wait until all its threads are in state `T` (stopped). Throws, after sending
 * SIGCONT, if that does not happen within `timeoutMs`, naming the threads that were still running: the
 * fault a test meant to inject did not happen, and the test must not go on as if it had.
 *
 * @example
 * ```ts
 * const pid = kafka.pid(0)!
 * await freeze(pid)
 * try { ... } finally { process.kill(pid, 'SIGCONT') }
 * ```
 */
export async function freeze(pid: number, timeoutMs = 5_000): Promise<void> {
  process.kill(pid, 'SIGSTOP')
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const notStopped = [...threadStates(pid)].filter(([, state]) => state !== 'T')
    if (notStopped.length === 0) return
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGCONT')
      const seen = notStopped.map(([tid, state]) => `${tid}:${state}`).join(' ')
      throw new Error(
        `pid ${pid}: ${notStopped.length} thread(s) not stopped ${timeoutMs} ms after SIGSTOP (${seen})`,
      )
    }
    await sleep(5)
  }
}
