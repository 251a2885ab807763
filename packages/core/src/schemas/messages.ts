import { z } from 'zod'

/*
 * Field for field the JSON schemas ligo-gracedb 2.16.1 ships (kafka/schemas/upload_message.json and
 * ping_message.json, draft-07): the same required fields, the same types (a JSON "number" is any finite number,
 * "null" is allowed where the schema lists it), `eventFile` exactly two strings, and unknown fields allowed
 * (`additionalProperties: true`), so messages from newer clients still validate.
 */

/**
 * A GraceDB upload message, as `createEvent` produces it and GraceDB's supervisor consumes it
 * (`kafka/schemas/upload_message.json`). Unknown fields are kept.
 */
export interface UploadMessage {
  /** Message type: always `"upload"`. */
  type: 'upload'
  /** GraceDB service URL that the event belongs to. */
  gracedb_server: string
  /** Reserved GraceDB ID; `null` when `gracedb_upload` is false. */
  graceid?: string | null | undefined
  /** Submitter identity from the graceid reservation. */
  submitter?: string | null | undefined
  /** Analysis pipeline name (e.g. `gstlal`, `pycbc`). */
  pipeline: string
  /** Whether the server should upload and process the event. */
  gracedb_upload: boolean
  /** If true, the supervisor should not process this message. */
  skip_supervisor?: boolean | undefined
  /** Labels to attach to the event upon creation. */
  labels?: string[] | null | undefined
  /** `[filename, base64-encoded file contents]`. */
  eventFile: [string, string]
  /** SHA-256-based UUID derived from the event file contents. */
  content_id?: string | undefined
  /** Unix timestamp (seconds) when the message was produced. */
  _producer_timestamp?: number | undefined
  /** Fields a newer client may add. */
  [extra: string]: unknown
}

/** A connectivity-test message produced by `ping()` (`kafka/schemas/ping_message.json`); consumers ignore it. */
export interface PingMessage {
  /** Message type: always `"ping"`. */
  type: 'ping'
  /** Unix timestamp (seconds) when the ping was produced. */
  timestamp: number
  /** Name of the producing client library. */
  client: string
  /** Subject claim of the SciToken used, or `null`. */
  sub?: string | null | undefined
  /** Scope claim of the SciToken used, or `null`. */
  scope?: string | null | undefined
  /** Fields a newer client may add. */
  [extra: string]: unknown
}

const uploadShape = z.looseObject({
  type: z.literal('upload'),
  gracedb_server: z.string(),
  graceid: z.string().nullable().optional(),
  submitter: z.string().nullable().optional(),
  pipeline: z.string(),
  gracedb_upload: z.boolean(),
  skip_supervisor: z.boolean().optional(),
  labels: z.array(z.string()).nullable().optional(),
  eventFile: z.tuple([z.string(), z.string()]),
  content_id: z.string().optional(),
  _producer_timestamp: z.number().optional(),
})

const pingShape = z.looseObject({
  type: z.literal('ping'),
  timestamp: z.number(),
  client: z.string(),
  sub: z.string().nullable().optional(),
  scope: z.string().nullable().optional(),
})

/**
 * zod schema of a GraceDB upload message, equivalent to the reference's `upload_message.json`.
 *
 * @example
 * ```ts
 * const ok = uploadMessageSchema.safeParse(JSON.parse(message.value.toString())).success
 * ```
 */
export const uploadMessageSchema: z.ZodType<UploadMessage> = uploadShape as z.ZodType<UploadMessage>

/**
 * zod schema of a ping message, equivalent to the reference's `ping_message.json`.
 *
 * @example
 * ```ts
 * pingMessageSchema.parse({ type: 'ping', timestamp: Date.now() / 1000, client: 'gracedb-kafka' })
 * ```
 */
export const pingMessageSchema: z.ZodType<PingMessage> = pingShape as z.ZodType<PingMessage>

/** The required fields of each schema, as listed in the reference's JSON files. */
export const REQUIRED_FIELDS: Readonly<Record<'upload' | 'ping', readonly string[]>> = Object.freeze({
  upload: Object.freeze(['type', 'gracedb_server', 'pipeline', 'gracedb_upload', 'eventFile']),
  ping: Object.freeze(['type', 'timestamp', 'client']),
})

// Compile-time check that the hand-written interfaces are exactly what the zod shapes infer.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const inferredMatches: [
  Same<z.infer<typeof uploadShape>, UploadMessage>,
  Same<z.infer<typeof pingShape>, PingMessage>,
] = [true, true]
void inferredMatches
