/**
 * The checks every public `GraceDb` call runs on its options before anything happens (no request, no file read,
 * no graceid reserved): the options must be an object (`null` is an `InvalidOptionError` with `option`
 * `'(options)'`, as the producer's `produce(v, null)`), every key known (a mistyped one is named, with a "did you
 * mean"), every value of the right type.
 */
import { parseOptions } from '@gracedb-kafka/core'
import { z } from 'zod'
import type { FileContents } from './event-file.js'
import type { KafkaEventProducer } from './kafka-path.js'

/** Options of `GraceDb.createEvent`. */
export interface CreateEventOptions {
  /** The event data; when given, `filename` only names the stored file. */
  filecontents?: FileContents | undefined
  /** Search type, e.g. `'AllSky'`. */
  search?: string | undefined
  /** One label or several, e.g. `'INJ'` or `['INJ', 'DQV']`; an empty list is sent as `[]`. */
  labels?: string | string[] | undefined
  /** The event was found by an offline analysis (default `false`; plain HTTP path only, as in the reference). */
  offline?: boolean | undefined
  /** A producer: reserve a graceid over HTTP, then publish the event to Kafka. */
  kafka?: KafkaEventProducer | undefined
  /** On Kafka-path failure fall back to HTTP (reservation failed → plain create; delivery failed → reserved upload). */
  httpFallback?: boolean | undefined
  /** Ask GraceDB to process the event (default `true`); `false` publishes without reserving a graceid. */
  gracedbUpload?: boolean | undefined
  /** Ask the server-side supervisor not to complete the upload (default `false`). */
  skipSupervisor?: boolean | undefined
  /** Replay-analysis identifier (recorded at reservation on the Kafka path, sent as a field over HTTP). */
  replayId?: string | undefined
  /** Aborts the HTTP parts of the call. */
  signal?: AbortSignal | undefined
}

/** Options of `GraceDb.uploadReservedEvent`. */
export interface UploadReservedEventOptions {
  filecontents?: FileContents | undefined
  labels?: string | string[] | undefined
  /** Kafka broker that delivered the message (recorded as provenance). */
  kafkaServer?: string | undefined
  /** Kafka topic the message arrived on. */
  kafkaTopic?: string | undefined
  signal?: AbortSignal | undefined
}

/** Options of `GraceDb.reserveGraceId`. */
export interface ReserveGraceIdOptions {
  search?: string | undefined
  /** Content id of the event file (see `contentId`). */
  contentId?: string | undefined
  replayId?: string | undefined
  signal?: AbortSignal | undefined
}

const text = (what: string) => z.string({ error: `expected ${what}` }).optional()
// `search: null` is "no search", as the reference's `None` (and as it was accepted before).
const search = z.string({ error: 'expected a search name such as "AllSky"' }).nullable().optional()
const flag = z.boolean({ error: 'expected true or false' }).optional()
const signal = z
  .custom<AbortSignal>((v) => v instanceof AbortSignal, { error: 'expected an AbortSignal' })
  .optional()
const filecontents = z
  .custom(
    (v) =>
      typeof v === 'string' ||
      v instanceof Uint8Array ||
      v instanceof ArrayBuffer ||
      (typeof Blob !== 'undefined' && v instanceof Blob),
    { error: 'expected a string, Uint8Array, ArrayBuffer or Blob' },
  )
  .optional()
// Checked in full by normaliseLabels; here only so that the key is known.
const labels = z.unknown().optional()

/** An object that can publish an event: `connect()`, `produce()`, `flush()` and `flushTimeout` in seconds. */
export function isKafkaEventProducer(v: unknown): boolean {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return false
  const p = v as Record<string, unknown>
  return (
    typeof p.connect === 'function' &&
    typeof p.produce === 'function' &&
    typeof p.flush === 'function' &&
    typeof p.flushTimeout === 'number' &&
    Number.isFinite(p.flushTimeout) &&
    p.flushTimeout >= 0
  )
}

const kafka = z
  .custom((v) => v === null || isKafkaEventProducer(v), {
    error:
      'expected a Kafka producer such as client.createKafkaProducer(...) (an object with connect(), produce(), flush() and a flushTimeout in seconds)',
  })
  .optional()

const reserveSchema = z.strictObject({
  search,
  contentId: text('a content id string'),
  replayId: text('a replay id string'),
  signal,
})

const createSchema = z.strictObject({
  filecontents,
  search,
  labels,
  offline: flag,
  kafka,
  httpFallback: flag,
  gracedbUpload: flag,
  skipSupervisor: flag,
  replayId: text('a replay id string'),
  signal,
})

const uploadSchema = z.strictObject({
  filecontents,
  labels,
  kafkaServer: text('a broker string'),
  kafkaTopic: text('a topic name'),
  signal,
})

type Accepts = (v: unknown) => boolean
const isText: Accepts = (v) => v === undefined || typeof v === 'string'
const isSearch: Accepts = (v) => v === undefined || v === null || typeof v === 'string'
const isFlag: Accepts = (v) => v === undefined || typeof v === 'boolean'
const isSignal: Accepts = (v) => v === undefined || v instanceof AbortSignal
const isContents: Accepts = (v) =>
  v === undefined ||
  typeof v === 'string' ||
  v instanceof Uint8Array ||
  v instanceof ArrayBuffer ||
  (typeof Blob !== 'undefined' && v instanceof Blob)

/** @internal What the `createEvent` schema accepts per key, as plain predicates. */
export const createAccepts: Readonly<Record<string, Accepts>> = {
  filecontents: isContents,
  search: isSearch,
  labels: () => true,
  offline: isFlag,
  kafka: (v) => v === undefined || v === null || isKafkaEventProducer(v),
  httpFallback: isFlag,
  gracedbUpload: isFlag,
  skipSupervisor: isFlag,
  replayId: isText,
  signal: isSignal,
}
/** @internal What the `reserveGraceId` schema accepts per key. */
export const reserveAccepts: Readonly<Record<string, Accepts>> = {
  search: isSearch,
  contentId: isText,
  replayId: isText,
  signal: isSignal,
}

/**
 * Whether `opts` is certainly valid: a plain object whose enumerable keys are all its own and all known, and whose
 * values the schema accepts. Called on every `createEvent`, this spares the schema's parse (and its copy of the
 * object) for the usual, valid options; anything else (a null, a class instance, an unknown key, a wrong value, a
 * getter that throws) goes through the schema, which names the problem exactly as before.
 *
 * @internal
 */
export function plainlyValid(opts: unknown, accepts: Readonly<Record<string, Accepts>>): boolean {
  if (opts === null || typeof opts !== 'object') return false
  const proto: unknown = Object.getPrototypeOf(opts)
  if (proto !== Object.prototype && proto !== null) return false
  try {
    for (const key in opts) if (!Object.hasOwn(opts, key) || !Object.hasOwn(accepts, key)) return false
    const o = opts as Record<string, unknown>
    for (const key in accepts) if (!accepts[key]!(o[key])) return false
  } catch {
    return false
  }
  return true
}

/**
 * Check the options of `reserveGraceId`; throws `InvalidOptionError` naming the key.
 *
 * @example
 * ```ts
 * checkReserveOptions({ search: 'AllSky' }) // fine
 * checkReserveOptions(null) // throws InvalidOptionError, option '(options)'
 * ```
 */
export function checkReserveOptions(opts: unknown): void {
  if (!plainlyValid(opts, reserveAccepts)) schemaCheck('reserveGraceId', opts)
}

/** @internal The schema check alone, without the fast path (for the fast path's test). */
export function schemaCheck(owner: 'createEvent' | 'reserveGraceId', opts: unknown): void {
  parseOptions(owner === 'createEvent' ? createSchema : reserveSchema, opts, `${owner}()`)
}

/**
 * Check the options of `createEvent` (the `kafka` producer included); throws `InvalidOptionError` naming the key.
 *
 * @example
 * ```ts
 * checkCreateOptions({ kafka: {} }) // throws InvalidOptionError, option 'kafka'
 * ```
 */
export function checkCreateOptions(opts: unknown): void {
  if (!plainlyValid(opts, createAccepts)) schemaCheck('createEvent', opts)
}

/**
 * Check the options of `uploadReservedEvent`; throws `InvalidOptionError` naming the key.
 *
 * @example
 * ```ts
 * checkUploadOptions({ kafkaTopic: 7 }) // throws InvalidOptionError, option 'kafkaTopic'
 * ```
 */
export function checkUploadOptions(opts: unknown): void {
  parseOptions(uploadSchema, opts, 'uploadReservedEvent()')
}

/**
 * Check the optional `signal` of `serviceInfo`.
 *
 * @example
 * ```ts
 * checkSignal('stop') // throws InvalidOptionError, option 'signal'
 * ```
 */
export function checkSignal(value: unknown): void {
  parseOptions(z.strictObject({ signal }), { signal: value }, 'serviceInfo()')
}
