// Every Python and Java process the bench starts, so an interrupted run (SIGINT / SIGTERM) kills them all
// before it exits: the bench never leaves a JVM or a Python process behind.
import type { ChildProcess } from 'node:child_process'
import { type ChildOptions, type ChildRun, runChild } from '../../scripts/run-child.js'

const running = new Set<ChildProcess>()

/** Track `child` until it exits. */
export function track<C extends ChildProcess>(child: C): C {
  running.add(child)
  child.once('exit', () => running.delete(child))
  return child
}

/** SIGKILL every tracked process still running. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL')
}

/** {@link runChild} with the child tracked, so an interrupted bench kills it too. */
export function runTracked(
  command: string,
  args: string[],
  opts: Omit<ChildOptions, 'onSpawn'>,
): Promise<ChildRun> {
  return runChild(command, args, { ...opts, onSpawn: track })
}
