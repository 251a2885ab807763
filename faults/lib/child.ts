// A GraceDbKafkaConsumer in a child process (the consumer package's own test child), for SIGKILL scenarios.
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const CHILD = fileURLToPath(new URL('../../packages/consumer/src/testing/consume-child.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** One line the child printed: `ready`, `message` (with partition, offset, value), `stream-ended`, `closed`. */
export interface ChildEvent {
  event: string
  partition?: number
  offset?: number
  value?: { n: number }
}

/** A running consumer child. */
export interface ConsumerChild {
  readonly child: ChildProcess
  readonly events: ChildEvent[]
  /** Messages the child has processed (printed) so far. */
  processed(): number
  /** Resolves when `pred` holds, rejects after `ms` with the child's stderr. */
  until(pred: () => boolean, ms: number, what: string): Promise<void>
  /** Resolves with the exit code and signal once the child's output is drained. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const live = new Set<ChildProcess>()

/** SIGKILL every child still running (for afterAll). */
export function killChildren(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  live.clear()
}

/** Start `consume-child.ts` with `config` (consumer options, per-message delay, stream timeout). */
export function startConsumerChild(config: {
  options: Record<string, unknown>
  delayMs?: number
  timeout?: number
}): ConsumerChild {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@gracedb-kafka/source', CHILD, JSON.stringify(config)],
    { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  live.add(child)
  const events: ChildEvent[] = []
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000)
  })
  const checks = new Set<() => void>()
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as ChildEvent)
    } catch {
      return
    }
    for (const check of [...checks]) check()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      live.delete(child)
      resolve({ code, signal })
    }),
  )
  let processed = 0
  const countMessages = (): void => {
    processed = events.filter((e) => e.event === 'message').length
  }
  checks.add(countMessages)
  return {
    child,
    events,
    processed: () => processed,
    exited,
    until: (pred, ms, what) =>
      new Promise<void>((resolve, reject) => {
        if (pred()) return resolve()
        const check = (): void => {
          if (!pred()) return
          checks.delete(check)
          clearTimeout(timer)
          resolve()
        }
        const timer = setTimeout(() => {
          checks.delete(check)
          reject(new Error(`consumer child: timed out waiting for ${what}; stderr: ${stderr}`))
        }, ms)
        checks.add(check)
        void exited.then(() => {
          if (checks.has(check)) {
            checks.delete(check)
            clearTimeout(timer)
            if (pred()) resolve()
            else reject(new Error(`consumer child exited while waiting for ${what}; stderr: ${stderr}`))
          }
        })
      }),
  }
}
