// Fault-suite global setup: every broker of the run is started under a private TMPDIR, so that at the end
// the processes of this run (and only those) can be checked for: no JVM may be left behind.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const FIGURES = join(dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'faults-figures.jsonl')

/** Live processes (zombies excluded) whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8')
      if (/^State:\s+Z/m.test(status)) continue
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry))
    } catch {
      // The process ended while we looked.
    }
  }
  return pids
}

export default function setup(): () => Promise<void> {
  const saved = process.env.TMPDIR
  const dir = mkdtempSync(join(tmpdir(), 'gracedb-kafka-faults-'))
  process.env.TMPDIR = dir
  // Several runs may share the figures file: this run's records carry its id.
  const runId = randomBytes(6).toString('hex')
  process.env.GRACEDB_KAFKA_FAULTS_RUN = runId
  return async () => {
    if (saved === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = saved
    // Brokers stop in each file's afterAll; give a watchdog a moment to reap a JVM it is still killing.
    let left = processesMentioning(dir)
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 250))
      left = processesMentioning(dir)
    }
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
    rmSync(dir, { recursive: true, force: true })
    try {
      const lines = readFileSync(FIGURES, 'utf8').trim().split('\n')
      console.log(`\nfault suite figures (run ${runId}):`)
      for (const line of lines) {
        const f = JSON.parse(line) as Record<string, unknown>
        if (f.run !== runId) continue
        const keys = ['produced', 'acked', 'failed', 'lost', 'duplicated', 'outOfOrder', 'redelivered']
        console.log(
          `  ${f.scenario}: ${keys
            .filter((k) => k in f)
            .map((k) => `${k} ${JSON.stringify(f[k])}`)
            .join(', ')}`,
        )
      }
    } catch {
      // No scenario got as far as its figures.
    }
    if (left.length > 0)
      throw new Error(
        `faults: ${left.length} process(es) of this run were left behind (pids ${left.join(', ')}); killed`,
      )
    console.log('faults: no JVM left behind')
  }
}
