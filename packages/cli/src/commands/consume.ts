import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { type ConsumerMessage, GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import { MessageSchemaError, validateUploadMessage } from '@gracedb-kafka/core'
import { UsageError } from '../errors.js'
import type { Output } from '../output.js'
import { connectionOptions, type ResolvedConnection, topicList } from '../settings.js'

/** Options of `gracedb-kafka consume`. */
export interface ConsumeFlags {
  topics?: string | undefined
  groupId?: string | undefined
  fromBeginning?: boolean | undefined
  count?: number | undefined
  manualCommit?: boolean | undefined
  /** Write the event file of every upload message into this directory. */
  writeFiles?: string | undefined
  timeout: number
  /** The consumer's `maxBufferedMessages`: messages fetched ahead of the output at most (default 5000). */
  maxBufferedMessages?: number | undefined
  /** The consumer's `maxBufferedBytes`: key and value bytes fetched ahead of the output at most (default 64 MiB). */
  maxBufferedBytes?: number | undefined
}

const bytesToText = (v: unknown): unknown => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v)

/** A consumer message as one JSON-serialisable object (bytes become UTF-8 text). */
export function messageToJson(m: ConsumerMessage): Record<string, unknown> {
  const headers: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = bytesToText(v)
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    key: bytesToText(m.key),
    value: bytesToText(m.value),
    timestamp: m.timestamp,
    headers,
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const MAX_NAME = 200

/**
 * A file name from a message's `eventFile[0]` that cannot leave the target directory: the last path segment
 * (after `/` or `\\`), without control characters, at most 200 characters, and never `""`, `.` or `..`.
 *
 * @example
 * ```ts
 * safeFileName('../../etc/passwd') // 'passwd'
 * ```
 */
export function safeFileName(name: string): string {
  const last = name.split(/[/\\]/).pop() ?? ''
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = last.replace(/[\u0000-\u001f\u007f]/g, '').slice(-MAX_NAME)
  return clean === '' || clean === '.' || clean === '..' ? 'event-file' : clean
}

/** What happened to one message under `--write-files`. */
export type WriteOutcome =
  | { written: string; graceid: string | null }
  | { skipped: 'ping' | 'not an upload message' | 'eventFile is not base64'; field?: string }

/**
 * Write the event file of a GraceDB upload message into `dir`: validated against the upload schema, decoded from
 * base64, named by {@link safeFileName}. An existing file is never overwritten (nor a symlink followed): the
 * name is then prefixed with the graceid, and failing that with the topic, partition and offset.
 *
 * @example
 * ```ts
 * const r = await writeEventFile('/data/events', message) // { written: '/data/events/coinc.xml', graceid: 'G1' }
 * ```
 */
export async function writeEventFile(dir: string, m: ConsumerMessage): Promise<WriteOutcome> {
  const value = m.value
  if (value !== null && typeof value === 'object' && (value as { type?: unknown }).type === 'ping') {
    return { skipped: 'ping' }
  }
  let upload: ReturnType<typeof validateUploadMessage>
  try {
    upload = validateUploadMessage(value)
  } catch (err) {
    if (err instanceof MessageSchemaError) return { skipped: 'not an upload message', field: err.field }
    throw err
  }
  const [name, base64] = upload.eventFile
  if (!BASE64.test(base64)) return { skipped: 'eventFile is not base64', field: 'eventFile.1' }
  const bytes = Buffer.from(base64, 'base64')
  const base = safeFileName(name)
  const graceid = typeof upload.graceid === 'string' ? upload.graceid : null
  const candidates = [
    base,
    ...(graceid === null ? [] : [`${safeFileName(graceid)}-${base}`]),
    `${safeFileName(m.topic)}-${m.partition}-${m.offset}-${base}`,
  ]
  for (const candidate of candidates) {
    const path = join(dir, candidate)
    try {
      await writeFile(path, bytes, { flag: 'wx' }) // O_CREAT | O_EXCL: never overwrites, never follows a link
      return { written: path, graceid }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
  }
  throw new UsageError(`--write-files: ${candidates.at(-1)} already exists in ${dir}`)
}

/**
 * The options `gracedb-kafka consume` gives its consumer: the connection, `reloadCred`, and each flag given.
 *
 * @example
 * ```ts
 * consumerOptions(connection, ['gstlal'], { timeout: 1, maxBufferedBytes: 8 << 20 }).maxBufferedBytes // 8388608
 * ```
 */
export function consumerOptions(
  connection: ResolvedConnection,
  topics: string[],
  flags: ConsumeFlags,
): ConstructorParameters<typeof GraceDbKafkaConsumer>[0] {
  return {
    ...connectionOptions(connection),
    topics,
    reloadCred: true,
    ...(flags.groupId === undefined ? {} : { groupId: flags.groupId }),
    autoOffsetReset: flags.fromBeginning === true ? 'earliest' : 'latest',
    autoCommit: flags.manualCommit !== true,
    ...(flags.maxBufferedMessages === undefined ? {} : { maxBufferedMessages: flags.maxBufferedMessages }),
    ...(flags.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: flags.maxBufferedBytes }),
  }
}

/**
 * `gracedb-kafka consume`: write one JSON line per message to stdout until `--count` messages, or Ctrl-C
 * (SIGINT/SIGTERM end the stream cleanly and commit what was written). With `--write-files DIR` the event file
 * of each GraceDB upload message is also written into DIR (see {@link writeEventFile}) and its JSON line gets
 * `writtenTo`; pings and other messages are skipped with a note on stderr.
 *
 * @example
 * ```ts
 * await consume(out, connection, { topics: 'test', fromBeginning: true, count: 10, timeout: 1 })
 * ```
 */
export async function consume(
  out: Output,
  connection: ResolvedConnection,
  flags: ConsumeFlags,
): Promise<void> {
  const topics = topicList(flags.topics, connection.urlTopics)
  if (topics.length === 0)
    throw new UsageError('no topics: pass --topics a,b (or a kafka:// URL with topics)')
  const dir = flags.writeFiles === undefined ? undefined : resolve(flags.writeFiles)
  if (dir !== undefined) await mkdir(dir, { recursive: true })
  await using consumer = new GraceDbKafkaConsumer(consumerOptions(connection, topics, flags))
  out.progress(`consuming ${topics.join(', ')} (Ctrl-C to stop) ...`)
  let n = 0
  for await (const message of consumer.stream({
    timeout: flags.timeout,
    ...(flags.count === undefined ? {} : { count: flags.count }),
  })) {
    const line = messageToJson(message)
    if (dir !== undefined) {
      const r = await writeEventFile(dir, message)
      if ('written' in r) line.writtenTo = r.written
      else if (r.skipped !== 'ping') {
        out.note(
          `offset ${message.offset} of ${message.topic}: no file written (${r.skipped}${r.field ? `: ${r.field}` : ''})`,
        )
      }
    }
    out.streams.stdout.write(`${JSON.stringify(line)}\n`)
    if (flags.manualCommit === true) await consumer.commit(message)
    n++
  }
  out.progress(`consumed ${n} message(s)`)
}
