import type { z } from 'zod'
import { KafkaProducerError } from '../errors.js'
import { type PingMessage, pingMessageSchema, type UploadMessage, uploadMessageSchema } from './messages.js'

/** One problem found in a message: the dotted path of the field (`""` for the message itself) and what is wrong. */
export interface MessageSchemaIssue {
  field: string
  message: string
}

/**
 * A message does not match the GraceDB message schema (the reference raises jsonschema's `ValidationError`).
 * Nothing was sent. `field` is the dotted path of the first offending field (`eventFile`, `labels.0`, or `""`
 * for the message itself); `issues` lists every problem. Field values are never echoed.
 *
 * @example
 * ```ts
 * try { validateUploadMessage(message) } catch (err) {
 *   if (err instanceof MessageSchemaError) console.error(err.code, err.field)
 * }
 * ```
 */
export class MessageSchemaError extends KafkaProducerError {
  static override readonly code: string = 'ERR_KAFKA_MESSAGE_SCHEMA'
  /** Dotted path of the first offending field. */
  readonly field: string
  /** Which schema was applied. */
  readonly schema: 'upload' | 'ping'
  /** Every problem found. */
  readonly issues: readonly MessageSchemaIssue[]

  constructor(schema: 'upload' | 'ping', issues: readonly MessageSchemaIssue[]) {
    const shown = issues
      .slice(0, 3)
      .map((i) => (i.field ? `"${i.field}" ${i.message}` : i.message))
      .join('; ')
    super(`invalid ${schema} message: ${shown}${issues.length > 3 ? `; and ${issues.length - 3} more` : ''}`)
    this.schema = schema
    this.field = issues[0]?.field ?? ''
    this.issues = Object.freeze([...issues])
  }
}

/** Describe a zod issue in words that never include the offending value. */
function describe(issue: z.core.$ZodIssue, input: unknown): string {
  let at: unknown = input
  for (const key of issue.path)
    at = at !== null && typeof at === 'object' ? (at as never)[key as never] : undefined
  if (at === undefined && issue.path.length > 0) return 'is required'
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${issue.expected === 'tuple' ? 'an array of two strings' : issue.expected}${
        issue.path.length === 0 ? ' (a JSON object)' : ''
      }, got ${at === null ? 'null' : Array.isArray(at) ? 'an array' : typeof at}`
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`
    case 'too_big':
    case 'too_small':
      return 'must be an array of exactly two strings: [filename, base64 contents]'
    default:
      return 'is invalid'
  }
}

function check<T>(schema: z.ZodType<T>, name: 'upload' | 'ping', value: unknown): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw new MessageSchemaError(
    name,
    result.error.issues.map((issue) => ({ field: issue.path.join('.'), message: describe(issue, value) })),
  )
}

/**
 * Check `value` against the upload-message schema and return it typed, or throw {@link MessageSchemaError}.
 *
 * @example
 * ```ts
 * const upload = validateUploadMessage(JSON.parse(message.value.toString('utf8')))
 * console.log(upload.pipeline, upload.eventFile[0])
 * ```
 */
export function validateUploadMessage(value: unknown): UploadMessage {
  return check(uploadMessageSchema, 'upload', value)
}

/**
 * Check `value` against the ping-message schema and return it typed, or throw {@link MessageSchemaError}.
 *
 * @example
 * ```ts
 * validatePingMessage({ type: 'ping', timestamp: Date.now() / 1000, client: 'gracedb-kafka' })
 * ```
 */
export function validatePingMessage(value: unknown): PingMessage {
  return check(pingMessageSchema, 'ping', value)
}

/**
 * Check a message against the schema for its `type`, as the reference's `validate_message`: `"ping"` against the
 * ping schema, anything else (no `type`, an unknown one, not an object) against the upload schema, which then
 * reports the problem.
 *
 * @example
 * ```ts
 * const msg = validateMessage(JSON.parse(text))
 * if (msg.type === 'upload') console.log(msg.graceid)
 * ```
 */
export function validateMessage(value: unknown): UploadMessage | PingMessage {
  const isPing = value !== null && typeof value === 'object' && (value as { type?: unknown }).type === 'ping'
  return isPing ? validatePingMessage(value) : validateUploadMessage(value)
}
