import { debuglog } from 'node:util'
import { redactTokens } from '@gracedb-kafka/core'
import { type LogEntry, logLevel } from 'kafkajs'

const debug = debuglog('gracedb-kafka')

const LEVEL_NAMES: Record<number, string> = {
  [logLevel.ERROR]: 'ERROR',
  [logLevel.WARN]: 'WARN',
  [logLevel.INFO]: 'INFO',
  [logLevel.DEBUG]: 'DEBUG',
}

/**
 * The kafkajs log level to use: silent by default (kafkajs logs every retried connection failure as an error,
 * which a caller sees as a typed error anyway), `INFO` when `NODE_DEBUG=gracedb-kafka` is set.
 *
 * @example
 * ```ts
 * new Kafka({ ...config, logLevel: defaultLogLevel(), logCreator: redactingLogCreator })
 * ```
 */
export function defaultLogLevel(): number {
  return debug.enabled ? logLevel.INFO : logLevel.NOTHING
}

/**
 * A kafkajs `logCreator` that writes one line per entry to stderr with every JWT-shaped string replaced by
 * `[REDACTED-TOKEN]`, so a token can never reach a log even if a library puts one in a message.
 *
 * @example
 * ```ts
 * new Kafka({ brokers, logLevel: logLevel.WARN, logCreator: redactingLogCreator })
 * ```
 */
export function redactingLogCreator(_level: number): (entry: LogEntry) => void {
  return ({ namespace, level, label, log }: LogEntry) => {
    const { message, ...extra } = log
    const name = LEVEL_NAMES[level] ?? label
    let text = `[gracedb-kafka] ${name} ${namespace ? `${namespace}: ` : ''}${message}`
    if (Object.keys(extra).length > 0) {
      try {
        text += ` ${JSON.stringify(extra)}`
      } catch {
        // unserialisable extras are dropped
      }
    }
    process.stderr.write(`${redactTokens(text)}\n`)
  }
}
