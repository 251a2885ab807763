import {
  KafkaConsumerError,
  MessageSchemaError,
  type MessageSchemaIssue,
  type UploadMessage,
  validateMessage,
} from '@gracedb-kafka/core'
import type { ConsumerMessage } from './decode.js'

/** A consumed GraceDB upload message, validated, with its event file decoded. */
export interface GraceDbUpload {
  /** The consumed message as `stream()` yields it (pass it to `commit()`). */
  message: ConsumerMessage
  /** The message's value, checked against the upload schema (`kafka/schemas/upload_message.json`). */
  upload: UploadMessage
  /** The event file: `eventFile[0]` and `eventFile[1]` decoded from base64. */
  eventFile: { filename: string; contents: Buffer }
}

/**
 * A consumed message is not a valid GraceDB upload message (not JSON, not an object, a field missing or of the
 * wrong type, an event file that is not base64). `field` names the first offending field (`""` for the message
 * itself); the value is never echoed. `topic`, `partition` and `offset` say which message it was.
 *
 * @example
 * ```ts
 * consumer.stream({ gracedb: true, onInvalid: (err) => console.warn(err.code, err.offset, err.field) })
 * ```
 */
export class GraceDbMessageError extends KafkaConsumerError {
  static override readonly code: string = 'ERR_KAFKA_CONSUMER_INVALID_MESSAGE'
  readonly topic: string
  readonly partition: number
  readonly offset: number
  /** Dotted path of the first offending field. */
  readonly field: string
  /** Every problem found. */
  readonly issues: readonly MessageSchemaIssue[]

  constructor(message: ConsumerMessage, issues: readonly MessageSchemaIssue[], cause?: unknown) {
    const first = issues[0]
    const what =
      first === undefined ? 'invalid' : first.field ? `"${first.field}" ${first.message}` : first.message
    super(
      `not a GraceDB upload message (${message.topic} partition ${message.partition} offset ${message.offset}): ${what}`,
      { cause },
    )
    this.topic = message.topic
    this.partition = message.partition
    this.offset = message.offset
    this.field = first?.field ?? ''
    this.issues = Object.freeze([...issues])
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/

/**
 * Turn a consumed message into a typed, validated {@link GraceDbUpload} with the event file decoded, or throw
 * {@link GraceDbMessageError}. Returns `null` for a ping message (`type: "ping"`, valid per the ping schema),
 * which carries no event.
 *
 * @example
 * ```ts
 * for await (const msg of consumer.stream()) {
 *   const event = toGraceDbUpload(msg)
 *   if (event) await writeFile(event.eventFile.filename, event.eventFile.contents)
 * }
 * ```
 */
export function toGraceDbUpload(message: ConsumerMessage): GraceDbUpload | null {
  const value = message.value
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value
    throw new GraceDbMessageError(message, [{ field: '', message: `must be a JSON object, got ${got}` }])
  }
  let checked: ReturnType<typeof validateMessage>
  try {
    checked = validateMessage(value)
  } catch (err) {
    if (err instanceof MessageSchemaError) throw new GraceDbMessageError(message, err.issues, err)
    throw err
  }
  if (checked.type === 'ping') return null
  const upload = checked as UploadMessage
  const [filename, encoded] = upload.eventFile
  const compact = encoded.replace(/\s+/g, '')
  if (!BASE64.test(compact)) {
    throw new GraceDbMessageError(message, [
      { field: 'eventFile.1', message: 'must be base64-encoded file contents' },
    ])
  }
  return { message, upload, eventFile: { filename, contents: Buffer.from(compact, 'base64') } }
}

/** `stream()` options for GraceDB messages only. */
export interface GraceDbStreamOptions {
  /** Yield only valid GraceDB upload messages, as {@link GraceDbUpload}s (ping messages are skipped). */
  gracedb: true
  /**
   * Called with each message that is not a valid upload message, which is then skipped (it counts as handed
   * out, so auto-commit commits past it; with `autoCommit: false`, commit it here). Default: a process warning.
   * An error thrown here ends the stream with that error.
   */
  onInvalid?: ((error: GraceDbMessageError, message: ConsumerMessage) => void | Promise<void>) | undefined
}

/** The default `onInvalid`: a process warning (code `ERR_KAFKA_CONSUMER_INVALID_MESSAGE`) naming the message. */
export function warnInvalid(error: GraceDbMessageError): void {
  process.emitWarning(error.message, { type: 'GraceDbMessageWarning', code: error.code })
}

/**
 * Map a message stream to GraceDB uploads: valid uploads are yielded, pings skipped, anything else reported to
 * `onInvalid` and skipped.
 *
 * @example
 * ```ts
 * for await (const event of graceDbUploads(consumer.stream(), { gracedb: true })) console.log(event.upload.graceid)
 * ```
 */
export async function* graceDbUploads(
  messages: AsyncIterable<ConsumerMessage>,
  options: GraceDbStreamOptions,
): AsyncGenerator<GraceDbUpload, void, undefined> {
  const onInvalid = options.onInvalid ?? warnInvalid
  for await (const message of messages) {
    let event: GraceDbUpload | null
    try {
      event = toGraceDbUpload(message)
    } catch (err) {
      if (!(err instanceof GraceDbMessageError)) throw err
      await onInvalid(err, message)
      continue
    }
    if (event !== null) yield event
  }
}
