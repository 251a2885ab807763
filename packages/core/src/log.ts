import { debuglog } from 'node:util'
import { redactTokens } from './redact.js'

const debug = debuglog('gracedb-kafka')

/** kafkajs's `logLevel` values (declared here so this package has no kafkajs dependency). */
export const KafkaLogLevel: {
  readonly NOTHING: 0
  readonly ERROR: 1
  readonly WARN: 2
  readonly INFO: 4
  readonly DEBUG: 5
} = { NOTHING: 0, ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 }

const LEVEL_NAMES: Record<number, string> = {
  [KafkaLogLevel.ERROR]: 'ERROR',
  [KafkaLogLevel.WARN]: 'WARN',
  [KafkaLogLevel.INFO]: 'INFO',
  [KafkaLogLevel.DEBUG]: 'DEBUG',
}

/** One kafkajs log entry (kafkajs's `LogEntry`, declared structurally). */
export interface KafkaLogEntry {
  namespace: string
  level: number
  label: string
  log: { message: string; [key: string]: unknown }
}

/**
 * The kafkajs log level gracedb-kafka uses: silent by default (kafkajs logs every retried connection failure
 * as an error, which a caller sees as a typed error anyway), `INFO` when `NODE_DEBUG=gracedb-kafka` is set.
 *
 * @example
 * ```ts
 * new Kafka({ ...config, logLevel: defaultLogLevel(), logCreator: redactingLogCreator })
 * ```
 */
export function defaultLogLevel(): number {
  return debug.enabled ? KafkaLogLevel.INFO : KafkaLogLevel.NOTHING
}

/**
 * Format one kafkajs log entry as the line {@link redactingLogCreator} writes, with every JWT-shaped string
 * replaced by `[REDACTED-TOKEN]`.
 *
 * @example
 * ```ts
 * formatLogEntry({ namespace: 'Connection', level: 1, label: 'ERROR', log: { message: 'boom' } })
 * // '[gracedb-kafka] ERROR Connection: boom'
 * ```
 */
export function formatLogEntry({ namespace, level, label, log }: KafkaLogEntry): string {
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
  return redactTokens(text)
}

/**
 * A kafkajs `logCreator` that writes one line per entry to stderr with every JWT-shaped string replaced by
 * `[REDACTED-TOKEN]`, so a token can never reach a log even if a library puts one in a message.
 * `buildKafkaConfig` installs it by default.
 *
 * @example
 * ```ts
 * new Kafka({ brokers, logLevel: logLevel.WARN, logCreator: redactingLogCreator })
 * ```
 */
export function redactingLogCreator(_level: number): (entry: KafkaLogEntry) => void {
  return (entry: KafkaLogEntry) => {
    process.stderr.write(`${formatLogEntry(entry)}\n`)
  }
}
