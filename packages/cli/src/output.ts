import type { Writable } from 'node:stream'
import { redactSecrets, redactTokens } from '@gracedb-kafka/core'

/** Where the command writes: stdout for scripts, stderr for people. */
export interface Streams {
  stdout: Writable & { isTTY?: boolean }
  stderr: Writable & { isTTY?: boolean }
  stdin: NodeJS.ReadableStream & { isTTY?: boolean }
}

/** Text for any thrown value, even one `String()` cannot convert. */
function describe(value: unknown): string {
  try {
    return String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

/**
 * Output helpers shared by every command: data lines to stdout, progress lines to stderr when it is a TTY
 * (or with `--verbose`), and one-line errors. Every line passes through core's redactor: results on stdout lose
 * every registered secret (tokens read, URL passwords); lines on stderr also lose anything shaped like a JWT.
 *
 * @example
 * ```ts
 * const out = new Output(streams, { json: true, verbose: false })
 * out.data({ graceid: 'G123' }, (v) => v.graceid)
 * ```
 */
export class Output {
  readonly json: boolean
  readonly verbose: boolean
  readonly streams: Streams

  constructor(streams: Streams, flags: { json?: boolean | undefined; verbose?: boolean | undefined }) {
    this.streams = streams
    this.json = flags.json === true
    this.verbose = flags.verbose === true
  }

  /** Print a result: as one JSON line with `--json`, else with `human` (or JSON when no formatter is given). */
  data<T>(value: T, human?: (value: T) => string): void {
    const text = this.json || human === undefined ? JSON.stringify(value) : human(value)
    // Results (consumed messages included) lose only registered secrets, never text that merely looks like a
    // token: the JWT heuristic could alter a payload, the registry only removes what the process really read.
    this.streams.stdout.write(`${redactSecrets(String(text))}\n`)
  }

  /** A progress line for long operations: stderr, only when it is a TTY or with `--verbose`. */
  progress(line: string): void {
    if (this.streams.stderr.isTTY === true || this.verbose) {
      this.streams.stderr.write(`${redactTokens(line)}\n`)
    }
  }

  /** A line for people that always goes to stderr (warnings, hints). */
  note(line: string): void {
    this.streams.stderr.write(`${redactTokens(line)}\n`)
  }

  /** Report an error: one clear line; with `--verbose`, the code, cause chain and stack too. */
  error(err: unknown): void {
    const e = err as { message?: unknown; code?: unknown; cause?: unknown; stack?: unknown }
    const message = typeof e?.message === 'string' ? e.message : describe(err)
    const code = typeof e?.code === 'string' ? ` [${e.code}]` : ''
    this.streams.stderr.write(`gracedb-kafka: error: ${redactTokens(message)}${code}\n`)
    if (this.verbose) {
      let cause = e?.cause as { message?: unknown } | undefined
      for (let depth = 0; cause !== undefined && cause !== null && depth < 5; depth++) {
        const text = typeof cause.message === 'string' ? cause.message : describe(cause)
        this.streams.stderr.write(`  caused by: ${redactTokens(text)}\n`)
        cause = (cause as { cause?: { message?: unknown } }).cause
      }
      if (typeof e?.stack === 'string') this.streams.stderr.write(`${redactTokens(e.stack)}\n`)
    }
  }
}
