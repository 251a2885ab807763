import { createHash, randomInt } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { deriveInstanceName, routeEventTopic } from '@gracedb-kafka/topics'
import type { JWK } from 'jose'
import { STANDIN_GROUPS, STANDIN_PIPELINES, STANDIN_SEARCHES, serviceInfoDocument } from './service-info.js'
import { EventStore, type Reservation, type StoredEvent, type SupervisedMessage } from './store.js'
import { type Supervisor, startSupervisor } from './supervisor.js'
import { baseName, completeUpload, fileProblem, labelProblem } from './upload.js'
import { createTokenVerifier, type TokenCheck } from './verify-token.js'

/** The endpoints a fault can be injected into. */
export type StandInEndpoint = 'root' | 'reserve' | 'create' | 'upload'

/** A fault the stand-in applies to the next request(s) to an endpoint. */
export interface StandInFault {
  /** Answer with this HTTP status (default 500 unless `reset`). */
  status?: number
  /** Body to send (default a JSON `{"detail": ...}`). */
  body?: string
  /** Content type of `body` (default `application/json`). */
  contentType?: string
  /** Extra response headers, e.g. `{ 'retry-after': '0' }`. */
  headers?: Record<string, string>
  /** Destroy the connection instead of answering (a connection reset). */
  reset?: boolean
  /** How many consecutive requests get the fault (default 1). */
  times?: number
}

/** One request the stand-in answered. */
export interface StandInRequestLog {
  method: string
  path: string
  endpoint: StandInEndpoint | 'other'
  status: number | 'reset'
  /** `sub` of a valid token, if one was sent. */
  sub: string | null
}

/** The parts of a test cluster the stand-in uses (a `KafkaTestCluster` from `startKafka()` / `sharedKafka()` fits). */
export interface StandInKafka {
  plaintextBootstrapServers: string
  issuer: { issuer: string; jwks: { keys: JWK[] } }
}

/** Options of {@link startGraceDbStandIn}. */
export interface GraceDbStandInOptions {
  /** The test cluster: its issuer's keys verify tokens, and the supervisor consumes its topics. */
  kafka?: StandInKafka
  /** Token issuer to trust when no `kafka` is given (e.g. from `createTokenIssuer()`). */
  issuer?: { issuer: string; jwks: { keys: JWK[] } }
  /** Run the supervisor (default `true` when `kafka` is given). */
  supervisor?: boolean
  /** Require a valid bearer token (default `true`). */
  requireAuth?: boolean
  /** Scope every request's token must carry (default `gracedb.read`). */
  scope?: string
  /** Pipelines the server knows (default {@link STANDIN_PIPELINES}); the supervisor consumes their topics. */
  pipelines?: readonly string[]
  /** Port to listen on (default: a free one). */
  port?: number
}

/** A running GraceDB stand-in. */
export interface GraceDbStandIn {
  /** The API root, e.g. `http://localhost:PORT/api/`. */
  readonly serviceUrl: string
  /** The audience tokens must carry: `scheme://host` of {@link GraceDbStandIn.serviceUrl}, i.e. `http://localhost` (`ANY` is accepted too). */
  readonly audience: string
  /** Events created over HTTP or completed by a reserved upload (HTTP or the Kafka supervisor), oldest first. */
  readonly events: readonly StoredEvent[]
  /** Graceids reserved but not uploaded yet. */
  readonly reservations: ReadonlyMap<string, Reservation>
  /** Every request answered, oldest first. */
  readonly requests: readonly StandInRequestLog[]
  /** Kafka messages the supervisor consumed and what it did with each. */
  readonly supervised: readonly SupervisedMessage[]
  /** Resolves with the event once `graceid` has been stored (e.g. after the supervisor completes it). */
  waitForEvent(graceid: string, timeoutMs?: number): Promise<StoredEvent>
  /** Make the next request(s) to `endpoint` fail with a status or a connection reset. */
  injectFault(endpoint: StandInEndpoint, fault: StandInFault): void
  /** Forget all injected faults. */
  clearFaults(): void
  stop(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Start a small GraceDB: the API root, graceid reservation, event creation and reserved upload endpoints
 * (v2 paths as GraceDB's templates name them), bearer tokens checked against the test issuer's JWKS, multipart
 * bodies parsed, graceids like `G123`, an in-memory store, fault injection, and a supervisor that consumes the
 * instance's Kafka topics and completes reserved uploads unless `skip_supervisor`.
 *
 * @example
 * ```ts
 * const kafka = await sharedKafka()
 * const gracedb = await startGraceDbStandIn({ kafka })
 * const client = new GraceDb(gracedb.serviceUrl, { apiVersion: 'v2' })
 * // … createEvent(…, { kafka: producer }) …
 * const event = await gracedb.waitForEvent(response.graceid!)
 * event.via // 'kafka'
 * await gracedb.stop()
 * ```
 */
export async function startGraceDbStandIn(opts: GraceDbStandInOptions = {}): Promise<GraceDbStandIn> {
  const issuer = opts.issuer ?? opts.kafka?.issuer
  const requireAuth = opts.requireAuth ?? true
  if (requireAuth && !issuer)
    throw new Error('startGraceDbStandIn: give `kafka` or `issuer` (or requireAuth: false)')
  const pipelines = opts.pipelines ?? STANDIN_PIPELINES
  const store = new EventStore(randomInt(100_000, 900_000))
  const requests: StandInRequestLog[] = []
  const faults = new Map<StandInEndpoint, StandInFault[]>()
  const sockets = new Set<Socket>()
  let serviceUrl = ''
  let audience = ''
  let verify: ((authorization: string | undefined) => Promise<TokenCheck>) | undefined

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { detail: `stand-in error: ${String(err)}` })
      else res.destroy()
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const route = matchRoute(req.method ?? 'GET', url.pathname)
    const log: StandInRequestLog = {
      method: req.method ?? 'GET',
      path: url.pathname,
      endpoint: route.endpoint,
      status: 0,
      sub: null,
    }
    requests.push(log)
    const raw = await readBody(req)
    if (route.endpoint !== 'other') {
      const fault = takeFault(route.endpoint)
      if (fault) {
        if (fault.reset) {
          log.status = 'reset'
          req.socket.resetAndDestroy()
          return
        }
        log.status = fault.status ?? 500
        res.writeHead(log.status, {
          'content-type': fault.contentType ?? 'application/json',
          ...fault.headers,
        })
        res.end(fault.body ?? JSON.stringify({ detail: `injected fault ${log.status}` }))
        return
      }
    }
    let sub = 'anonymous'
    if (verify && requireAuth) {
      const check = await verify(req.headers.authorization)
      if (!check.ok) {
        log.status = check.status
        send(res, check.status, { detail: check.detail })
        return
      }
      sub = check.sub
      log.sub = check.sub
    }
    const reply = await dispatch(route, req, raw, sub, url)
    log.status = reply.status
    send(res, reply.status, reply.body)
  }

  async function dispatch(
    route: Route,
    req: IncomingMessage,
    raw: Buffer,
    sub: string,
    url: URL,
  ): Promise<{ status: number; body: unknown }> {
    const root = `${serviceUrl}${route.versioned ? 'v2/' : ''}`
    switch (route.endpoint) {
      case 'root':
        return { status: 200, body: serviceInfoDocument(root, { groups: STANDIN_GROUPS, pipelines }) }
      case 'reserve': {
        const form = await parseForm(req, raw, url)
        if (!form) return badRequest({ detail: 'Unsupported or malformed request body.' })
        const problem = checkNames(form, pipelines)
        if (problem) return badRequest(problem)
        const replayId = text(form, 'replay_id')
        if (replayId !== null && !/^[A-Za-z0-9_-]{1,30}$/.test(replayId)) {
          return badRequest({ replay_id: ['malformed replay_id'] })
        }
        const reservation: Reservation = {
          graceid: store.nextGraceId(),
          group: text(form, 'group') ?? '',
          pipeline: text(form, 'pipeline') ?? '',
          search: text(form, 'search'),
          submitter: sub,
          contentId: text(form, 'content_id'),
          replayId,
          created: new Date(),
        }
        store.reservations.set(reservation.graceid, reservation)
        return {
          status: 201,
          body: {
            graceid: reservation.graceid,
            submitter: sub,
            group: reservation.group,
            pipeline: reservation.pipeline,
            search: reservation.search,
            ...(replayId ? { replay_id: replayId } : {}),
            created: reservation.created.toISOString(),
          },
        }
      }
      case 'create': {
        const form = await parseForm(req, raw, url)
        if (!form) return badRequest({ detail: 'Unsupported or malformed request body.' })
        const problem = checkNames(form, pipelines)
        if (problem) return badRequest(problem)
        const file = form.get('eventFile')
        if (!(file instanceof File)) return badRequest(fileProblem(null))
        const contents = new Uint8Array(await file.arrayBuffer())
        const fileError = fileProblem(contents)
        if (fileError) return badRequest(fileError)
        const event: StoredEvent = {
          graceid: store.nextGraceId(),
          group: text(form, 'group') ?? '',
          pipeline: text(form, 'pipeline') ?? '',
          search: text(form, 'search'),
          labels: form.getAll('labels').map(String),
          offline: text(form, 'offline') === 'True',
          filename: baseName(file.name),
          contents,
          via: 'http',
          submitter: sub,
          contentId: text(form, 'content_id'),
          replayId: text(form, 'replay_id'),
          kafkaServer: null,
          kafkaTopic: null,
          reserved: false,
          created: new Date(),
        }
        store.add(event)
        return { status: 201, body: eventJson(event, root) }
      }
      case 'upload': {
        const graceid = route.graceid ?? ''
        const form = await parseForm(req, raw, url)
        if (!form) return badRequest({ detail: 'Unsupported or malformed request body.' })
        const file = form.get('eventFile')
        const result = completeUpload(store, {
          graceid,
          filename: file instanceof File ? file.name : '',
          contents: file instanceof File ? new Uint8Array(await file.arrayBuffer()) : null,
          labels: form.getAll('labels').map(String),
          via: 'http',
          kafkaServer: text(form, 'kafka_server'),
          kafkaTopic: text(form, 'kafka_topic'),
        })
        if (!result.ok) return { status: result.status, body: result.body }
        return { status: 201, body: eventJson(result.event, root) }
      }
      default:
        return { status: 404, body: { detail: 'Not found.' } }
    }
  }

  function takeFault(endpoint: StandInEndpoint): StandInFault | undefined {
    const queue = faults.get(endpoint)
    const fault = queue?.[0]
    if (!queue || !fault) return undefined
    const remaining = (fault.times ?? 1) - 1
    if (remaining <= 0) queue.shift()
    else queue[0] = { ...fault, times: remaining }
    return fault
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, () => resolve((server.address() as AddressInfo).port))
  })
  serviceUrl = `http://localhost:${port}/api/`
  audience = tokenAudience(serviceUrl)
  if (issuer) {
    verify = createTokenVerifier({
      issuer: issuer.issuer,
      jwks: issuer.jwks,
      audience: [audience, 'ANY'],
      scope: opts.scope ?? 'gracedb.read',
    })
  }

  let supervisor: Supervisor | undefined
  if (opts.kafka && (opts.supervisor ?? true)) {
    const brokers = opts.kafka.plaintextBootstrapServers.split(',')
    try {
      supervisor = await startSupervisor({
        brokers,
        topics: instanceTopics(deriveInstanceName(serviceUrl), pipelines),
        groupId: `gracedb-standin-${port}-${randomInt(1e9)}`,
        handle: (message, topic) => {
          if (message.type !== 'upload') return 'not_upload'
          if (message.gracedb_server !== serviceUrl) return 'other_server'
          if (message.gracedb_upload !== true) return 'gracedb_upload_false'
          if (message.skip_supervisor === true) return 'skip_supervisor'
          const eventFile = message.eventFile
          if (
            !Array.isArray(eventFile) ||
            typeof eventFile[0] !== 'string' ||
            typeof eventFile[1] !== 'string'
          )
            return 'bad_message'
          // Like GraceDB's supervisor, which posts the file to the upload endpoint: the same checks apply.
          const result = completeUpload(store, {
            graceid: typeof message.graceid === 'string' ? message.graceid : '',
            filename: eventFile[0],
            contents: new Uint8Array(Buffer.from(eventFile[1], 'base64')),
            labels: Array.isArray(message.labels) ? message.labels.map(String) : [],
            via: 'kafka',
            kafkaServer: opts.kafka?.plaintextBootstrapServers ?? null,
            kafkaTopic: topic,
          })
          return result.ok ? 'uploaded' : { outcome: result.outcome, detail: result.body }
        },
      })
    } catch (err) {
      server.close()
      for (const s of sockets) s.destroy()
      throw err
    }
  }

  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await supervisor?.stop()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      })
    })()
    return stopping
  }

  return {
    serviceUrl,
    audience,
    get events() {
      return store.events
    },
    get reservations() {
      return store.reservations
    },
    requests,
    get supervised() {
      return supervisor?.seen ?? []
    },
    waitForEvent: (graceid, timeoutMs = 15_000) => store.waitFor(graceid, timeoutMs),
    injectFault(endpoint, fault) {
      const queue = faults.get(endpoint) ?? []
      queue.push(fault)
      faults.set(endpoint, queue)
    },
    clearFaults: () => faults.clear(),
    stop,
    [Symbol.asyncDispose]: stop,
  }
}

/**
 * The `aud` a client sends to `serviceUrl`: its `scheme://host`, without port or path (igwn-auth-utils'
 * `target_audience`).
 */
function tokenAudience(serviceUrl: string): string {
  const url = new URL(serviceUrl)
  return `${url.protocol}//${url.hostname}`
}

/** Every topic `createEvent` can route an event of a known group and pipeline to, on `instance`. */
function instanceTopics(instance: string, pipelines: readonly string[]): string[] {
  const topics = STANDIN_GROUPS.flatMap((group) => pipelines.map((p) => routeEventTopic(instance, group, p)))
  return [...new Set(topics)]
}

interface Route {
  endpoint: StandInEndpoint | 'other'
  versioned: boolean
  graceid?: string
}

function matchRoute(method: string, path: string): Route {
  const m = /^\/api\/(v2\/)?(.*)$/.exec(path)
  if (!m) return { endpoint: 'other', versioned: false }
  const versioned = m[1] !== undefined
  const rest = m[2] ?? ''
  if (method === 'GET' && rest === '') return { endpoint: 'root', versioned }
  if (method === 'POST' && rest === 'events/reserve/') return { endpoint: 'reserve', versioned }
  if (method === 'POST' && rest === 'events/') return { endpoint: 'create', versioned }
  const upload = /^events\/([^/]+)\/upload\/$/.exec(rest)
  if (method === 'POST' && upload?.[1])
    return { endpoint: 'upload', versioned, graceid: decodeURIComponent(upload[1]) }
  return { endpoint: 'other', versioned }
}

function checkNames(form: FormData, pipelines: readonly string[]): Record<string, string[]> | null {
  const group = text(form, 'group')
  if (!group) return { group: ['This field is required.'] }
  if (!STANDIN_GROUPS.includes(group)) return { group: [`Object with name=${group} does not exist.`] }
  const pipeline = text(form, 'pipeline')
  if (!pipeline) return { pipeline: ['This field is required.'] }
  if (!pipelines.includes(pipeline)) return { pipeline: [`Object with name=${pipeline} does not exist.`] }
  const search = text(form, 'search')
  if (search && !STANDIN_SEARCHES.includes(search))
    return { search: [`Object with name=${search} does not exist.`] }
  return labelProblem(form.getAll('labels').map(String))
}

async function parseForm(req: IncomingMessage, raw: Buffer, url: URL): Promise<FormData | null> {
  const contentType = req.headers['content-type'] ?? ''
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(contentType)) return null
  try {
    return await new Request(url, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: raw,
    }).formData()
  } catch {
    return null
  }
}

function text(form: FormData, name: string): string | null {
  const v = form.get(name)
  return typeof v === 'string' && v.length > 0 ? v : null
}

function eventJson(event: StoredEvent, root: string): Record<string, unknown> {
  return {
    graceid: event.graceid,
    submitter: event.submitter,
    group: event.group,
    pipeline: event.pipeline,
    search: event.search,
    labels: event.labels,
    offline: event.offline,
    created: event.created.toISOString(),
    content_id: event.contentId,
    file_sha256: createHash('sha256').update(event.contents).digest('hex'),
    links: { self: `${root}events/${event.graceid}` },
  }
}

function badRequest(body: unknown): { status: number; body: unknown } {
  return { status: 400, body }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) })
  res.end(payload)
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}
