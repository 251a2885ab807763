import type { UploadMessage as SchemaUploadMessage } from '@gracedb-kafka/core'

/**
 * The Kafka message `createEvent` publishes, field for field as ligo-gracedb builds it (see
 * docs/reference-facts.md §6): core's schema type `UploadMessage` with every field `createEvent` always sets.
 * The server-side supervisor decodes `eventFile[1]` from base64.
 */
export interface UploadMessage extends SchemaUploadMessage {
  type: 'upload'
  /** The client's unversioned service URL, with a trailing slash. */
  gracedb_server: string
  /** The reserved graceid, or `null` when `gracedb_upload` is false. */
  graceid: string | null
  /** The submitter returned by the reservation, or `null`. */
  submitter: string | null
  /** The pipeline as given (not lowercased). */
  pipeline: string
  gracedb_upload: boolean
  skip_supervisor: boolean
  /** Labels as given (an empty list stays `[]`), or `null` when none were given. */
  labels: string[] | null
  /** `[filename, base64 of the file bytes]`. */
  eventFile: [string, string]
  /** Seconds since the epoch when the message was built. */
  _producer_timestamp: number
}

/** What goes into an upload message. */
export interface UploadMessageInput {
  serviceUrl: string
  graceid: string | null
  submitter: string | null
  pipeline: string
  gracedbUpload: boolean
  skipSupervisor: boolean
  labels: string[] | null
  filename: string
  bytes: Uint8Array
  /** The base64 of `bytes`, when already computed (a caller building several messages of one file encodes once). */
  base64?: string | undefined
  /** Epoch milliseconds; defaults to now. */
  now?: number
}

/**
 * Build the `type: "upload"` message for the Kafka path of `createEvent`.
 *
 * @example
 * ```ts
 * const msg = buildUploadMessage({ serviceUrl: 'https://gracedb-test.ligo.org/api/', graceid: 'G1', submitter: 'albert',
 *   pipeline: 'gstlal', gracedbUpload: true, skipSupervisor: false, labels: null, filename: 'coinc.xml', bytes })
 * msg.eventFile[1] // base64 of bytes
 * ```
 */
export function buildUploadMessage(input: UploadMessageInput): UploadMessage {
  return {
    type: 'upload',
    gracedb_server: input.serviceUrl,
    graceid: input.graceid,
    submitter: input.submitter,
    pipeline: input.pipeline,
    gracedb_upload: input.gracedbUpload,
    skip_supervisor: input.skipSupervisor,
    labels: input.labels,
    eventFile: [input.filename, input.base64 ?? base64Of(input.bytes)],
    _producer_timestamp: (input.now ?? Date.now()) / 1000,
  }
}

/** The base64 of `bytes`, read in place (no copy). */
export function base64Of(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}
