import { STANDIN_LABELS } from './service-info.js'
import type { ArrivalVia, EventStore, StoredEvent } from './store.js'

/** A file uploaded to a reserved graceid, over HTTP or in a Kafka upload message. */
export interface ReservedUpload {
  graceid: string
  /** The file name as sent (a path is reduced to its base name). */
  filename: string
  /** The file's bytes; `null` when no file was submitted. */
  contents: Uint8Array | null
  labels: string[]
  via: ArrivalVia
  kafkaServer: string | null
  kafkaTopic: string | null
}

/** Why GraceDB refused an upload: the HTTP answer, and the supervisor's outcome for the same refusal. */
export interface UploadRefusal {
  status: 400 | 404
  body: Record<string, unknown>
  /** `already_uploaded`, `unknown_graceid`, or `refused` (a field GraceDB rejects). */
  outcome: 'already_uploaded' | 'unknown_graceid' | 'refused'
}

/** The result of {@link completeUpload}. */
export type UploadResult = { ok: true; event: StoredEvent } | ({ ok: false } & UploadRefusal)

/**
 * GraceDB's answer for an event file: `null` when acceptable, otherwise the field error (no file, or an empty
 * one: event creation and reserved uploads refuse both).
 *
 * @example
 * ```ts
 * fileProblem(new Uint8Array()) // => { eventFile: ['The submitted file is empty.'] }
 * ```
 */
export function fileProblem(contents: Uint8Array | null): Record<string, string[]> | null {
  if (contents === null) return { eventFile: ['No file was submitted.'] }
  return contents.byteLength === 0 ? { eventFile: ['The submitted file is empty.'] } : null
}

/**
 * GraceDB's answer for labels: `null` when every label is known, otherwise the field error for the first
 * unknown one.
 *
 * @example
 * ```ts
 * labelProblem(['INJ', 'NOPE']) // => { labels: ['Object with name=NOPE does not exist.'] }
 * ```
 */
export function labelProblem(labels: readonly string[]): Record<string, string[]> | null {
  const unknown = labels.find((label) => !STANDIN_LABELS.includes(label))
  return unknown === undefined ? null : { labels: [`Object with name=${unknown} does not exist.`] }
}

/**
 * The base name of an uploaded file's name, as GraceDB stores it.
 *
 * @example
 * ```ts
 * baseName('/data/coinc.xml') // => 'coinc.xml'
 * ```
 */
export function baseName(name: string): string {
  return name.split(/[\\/]/).pop() || name
}

/**
 * Complete a reservation with an uploaded file, checked the same way whether it came over HTTP or from the
 * supervisor: not uploaded yet, reserved, a non-empty file, known labels. On success the event is stored
 * (and the reservation consumed); on refusal nothing changes.
 *
 * @example
 * ```ts
 * const result = completeUpload(store, { graceid: 'G1', filename: 'x.xml', contents, labels: [], via: 'http',
 *   kafkaServer: null, kafkaTopic: null })
 * if (!result.ok) console.log(result.status, result.body)
 * ```
 */
export function completeUpload(store: EventStore, upload: ReservedUpload): UploadResult {
  const { graceid } = upload
  if (store.find(graceid)) {
    return {
      ok: false,
      status: 400,
      body: { detail: `Event ${graceid} has already been uploaded.` },
      outcome: 'already_uploaded',
    }
  }
  const reservation = store.reservations.get(graceid)
  if (!reservation) {
    return {
      ok: false,
      status: 404,
      body: { detail: `No reserved event ${graceid}.` },
      outcome: 'unknown_graceid',
    }
  }
  const { contents } = upload
  const problem = fileProblem(contents) ?? labelProblem(upload.labels)
  if (problem) return { ok: false, status: 400, body: problem, outcome: 'refused' }
  if (contents === null) throw new Error('unreachable: fileProblem refuses a missing file')
  const event: StoredEvent = {
    graceid,
    group: reservation.group,
    pipeline: reservation.pipeline,
    search: reservation.search,
    labels: upload.labels,
    offline: false,
    filename: baseName(upload.filename),
    contents,
    via: upload.via,
    submitter: reservation.submitter,
    contentId: reservation.contentId,
    replayId: reservation.replayId,
    kafkaServer: upload.kafkaServer,
    kafkaTopic: upload.kafkaTopic,
    reserved: true,
    created: new Date(),
  }
  store.add(event)
  return { ok: true, event }
}
