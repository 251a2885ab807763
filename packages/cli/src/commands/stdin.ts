import { createInterface } from 'node:readline'

/**
 * Read JSON lines from a stream, yielding each parsed value with its line number. Blank lines are skipped.
 * A line that is not JSON throws an error naming the line number (earlier lines have been yielded).
 *
 * @example
 * ```ts
 * for await (const { value, line } of jsonLines(process.stdin)) console.log(line, value)
 * ```
 */
export async function* jsonLines(
  stream: NodeJS.ReadableStream,
): AsyncGenerator<{ value: unknown; line: number }> {
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })
  let line = 0
  for await (const text of rl) {
    line++
    if (text.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (err) {
      throw new Error(`stdin line ${line} is not valid JSON: ${(err as Error).message}`)
    }
    yield { value, line }
  }
}
