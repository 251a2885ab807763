// A table of command lines and what `gracedb-kafka` must answer to each, run in-process (every case) and as a
// spawned process (the cases marked `spawn`: each spawn costs seconds).
import { describe, expect, it } from 'vitest'
import { run } from '../program.js'
import { expectNoLeakInText } from './leaks.js'
import { runCli } from './spawn-cli.js'
import { memoryStreams } from './test-streams.js'

/** One command line and the answer it must get. */
export interface CliCase {
  name: string
  args: () => string[]
  env?: () => NodeJS.ProcessEnv
  code: number
  /** Must match stderr (or stdout when `stdout` is set). */
  says: RegExp
  stdout?: boolean
  secrets?: string[]
  /** Also run as a spawned process (each spawn costs seconds, so the costly path runs a representative subset). */
  spawn?: boolean
}

/** A broker nothing listens on: a case that reached the network would fail with exit 1, not 2. */
export const UNREACHABLE: readonly string[] = [
  '--bootstrap-servers',
  'localhost:1',
  '--instance-name',
  'gracedb-dev',
]

function check(c: CliCase, r: { code: number | string; stdout: string; stderr: string }): void {
  expect(r.code, `stderr: ${r.stderr}`).toBe(c.code)
  expect(c.stdout ? r.stdout : r.stderr).toMatch(c.says)
  if (c.code === 2 && !c.stdout) expect(r.stdout).toBe('')
  expectNoLeakInText(r.stdout + r.stderr, c.secrets ?? [])
}

/**
 * Register the cases as tests: each in-process, the `spawn` ones also as a process. `baseEnv` (called when a
 * case runs) is merged under each case's own environment.
 *
 * @example
 * ```ts
 * describeCliCases([{ name: 'no arguments', args: () => [], code: 2, says: /Usage/ }], () => ({}))
 * ```
 */
export function describeCliCases(cases: CliCase[], baseEnv: () => NodeJS.ProcessEnv): void {
  const envFor = (c: CliCase): NodeJS.ProcessEnv => ({ ...baseEnv(), ...(c.env?.() ?? {}) })
  describe('in-process', () => {
    it.each(cases)('$name', async (c) => {
      const streams = memoryStreams()
      const code = await run(c.args(), { streams, env: envFor(c) })
      check(c, { code, stdout: streams.out(), stderr: streams.err() })
    })
  })
  describe.concurrent('spawned', () => {
    it.each(cases.filter((c) => c.spawn))('$name', { timeout: 90_000 }, async (c) => {
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...envFor(c) }
      check(c, await runCli(c.args(), env, { timeoutMs: 60_000 }))
    })
  })
}
