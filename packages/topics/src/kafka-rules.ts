import { quote } from './errors.js'

/**
 * Longest topic name Kafka accepts, 249 characters (Kafka's `Topic.MAX_NAME_LENGTH`).
 *
 * @example
 * ```ts
 * import { MAX_TOPIC_LENGTH } from '@gracedb-kafka/topics'
 *
 * const room = MAX_TOPIC_LENGTH - 'gracedb-dev.'.length // longest pipeline name for this instance
 * ```
 */
export const MAX_TOPIC_LENGTH: number = 249

const LEGAL = /^[A-Za-z0-9._-]*$/
const LEGAL_NO_DOT = /^[A-Za-z0-9_-]*$/
const ALLOWED = 'Kafka topic names allow only a-z, A-Z, 0-9, ".", "_" and "-"'

/** Describe the first character of `value` outside the allowed set, or `undefined` when there is none. */
function illegalChar(what: string, value: string, allowDot: boolean): string | undefined {
  if ((allowDot ? LEGAL : LEGAL_NO_DOT).test(value)) return undefined
  const chars = [...value]
  let index = 0
  for (const ch of chars) {
    const ok = allowDot ? LEGAL.test(ch) : LEGAL_NO_DOT.test(ch)
    if (!ok) {
      if (ch === '.') {
        return `${what} ${quote(value)} contains "." at index ${index}; "." separates the instance from the pipeline, so an instance name cannot contain one`
      }
      return `${what} ${quote(value)} contains ${quote(ch)} at index ${index}; ${ALLOWED}`
    }
    index += ch.length
  }
  return undefined
}

/** What is wrong with `value` as an instance name (non-empty, legal characters, no dot), if anything. */
export function instanceProblem(value: string, what = 'instance'): string | undefined {
  if (value === '') return `${what} is empty`
  return illegalChar(what, value, false)
}

/** What is wrong with `value` as a pipeline name (non-empty, legal characters), if anything. */
export function pipelineProblem(value: string): string | undefined {
  if (value === '') return 'pipeline is empty'
  return illegalChar('pipeline', value, true)
}

/** What is wrong with `value` as a Kafka topic name (Kafka's own rules), if anything. */
export function topicProblem(value: string, what = 'topic'): string | undefined {
  if (value === '') return `${what} is empty`
  if (value === '.' || value === '..') return `${what} ${quote(value)} is not allowed by Kafka`
  if (value.length > MAX_TOPIC_LENGTH) {
    return `${what} ${quote(value)} is ${value.length} characters long; Kafka allows at most ${MAX_TOPIC_LENGTH}`
  }
  return illegalChar(what, value, true)
}

/** A clear description of a non-string argument. */
export function typeProblem(what: string, value: unknown): string | undefined {
  if (typeof value === 'string') return undefined
  return `${what} must be a string, got ${value === null ? 'null' : typeof value}`
}
