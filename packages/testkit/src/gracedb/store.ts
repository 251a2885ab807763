/** How an event reached the stand-in. */
export type ArrivalVia = 'kafka' | 'http'

/** An event held by the GraceDB stand-in. */
export interface StoredEvent {
  graceid: string
  group: string
  pipeline: string
  search: string | null
  labels: string[]
  offline: boolean
  /** Base name of the uploaded file, as GraceDB stores it. */
  filename: string
  /** The file's bytes exactly as received. */
  contents: Uint8Array
  /** `kafka`: completed by the supervisor from a Kafka message; `http`: created or completed over HTTP. */
  via: ArrivalVia
  /** `sub` of the token that created or reserved it. */
  submitter: string
  contentId: string | null
  replayId: string | null
  /** Provenance sent with a reserved upload (`kafka_server`, `kafka_topic`), if any. */
  kafkaServer: string | null
  kafkaTopic: string | null
  /** Whether the graceid was reserved first (reserve + upload) rather than created in one POST. */
  reserved: boolean
  created: Date
}

/** A reserved graceid that has not been uploaded yet. */
export interface Reservation {
  graceid: string
  group: string
  pipeline: string
  search: string | null
  submitter: string
  contentId: string | null
  replayId: string | null
  created: Date
}

/** A Kafka message the supervisor saw and what it did with it. */
export interface SupervisedMessage {
  topic: string
  partition: number
  offset: string
  graceid: string | null
  /**
   * `uploaded`, or why not: `skip_supervisor`, `gracedb_upload_false`, `unknown_graceid`, `already_uploaded`,
   * `refused` (GraceDB refused the upload: an empty file, an unknown label; see `detail`), `other_server`,
   * `not_upload`, `bad_message`.
   */
  outcome: string
  /** GraceDB's field errors when `outcome` is `refused` (e.g. `{ labels: [...] }`), otherwise `null`. */
  detail: Record<string, unknown> | null
  value: unknown
}

/** In-memory store of reservations and events, with graceids `G<n>`. */
export class EventStore {
  readonly events: StoredEvent[] = []
  readonly reservations: Map<string, Reservation> = new Map()
  /** The events by graceid (the first stored under each), so a lookup stays O(1) however many are held. */
  readonly #byId = new Map<string, StoredEvent>()
  readonly #waiters = new Set<{ graceid: string; resolve: (e: StoredEvent) => void }>()
  #next: number

  constructor(firstNumber: number) {
    this.#next = firstNumber
  }

  nextGraceId(): string {
    return `G${this.#next++}`
  }

  find(graceid: string): StoredEvent | undefined {
    return this.#byId.get(graceid)
  }

  add(event: StoredEvent): void {
    this.reservations.delete(event.graceid)
    this.events.push(event)
    if (!this.#byId.has(event.graceid)) this.#byId.set(event.graceid, event)
    for (const w of this.#waiters) {
      if (w.graceid === event.graceid) {
        this.#waiters.delete(w)
        w.resolve(event)
      }
    }
  }

  waitFor(graceid: string, timeoutMs: number): Promise<StoredEvent> {
    const found = this.find(graceid)
    if (found) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const waiter = {
        graceid,
        resolve: (e: StoredEvent) => {
          clearTimeout(timer)
          resolve(e)
        },
      }
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter)
        reject(new Error(`GraceDB stand-in: event ${graceid} did not arrive within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#waiters.add(waiter)
    })
  }
}
