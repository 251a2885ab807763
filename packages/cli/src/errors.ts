/**
 * A mistake in how the command was called (exit code 2), as opposed to a runtime failure (exit code 1).
 *
 * @example
 * ```ts
 * throw new UsageError('give at least one value, or JSON lines on stdin')
 * ```
 */
export class UsageError extends Error {
  readonly code: string = 'ERR_GRACEDB_KAFKA_USAGE'
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Exit codes of the `gracedb-kafka` command. */
export const ExitCode: { readonly ok: 0; readonly failure: 1; readonly usage: 2 } = {
  ok: 0,
  failure: 1,
  usage: 2,
}
