import { randomInt } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { serviceAudience } from '@gracedb-kafka/core'
import { deriveInstanceName, routeEventTopic } from '@gracedb-kafka/topics'
import type { JWK } from 'jose'
import { withAdmin } from '../admin.js'
import { ensureTopics } from '../ensure-topics.js'
import { applyFault, FaultQueue, type StandInEndpoint, type StandInFault } from './faults.js'
import { dispatch } from './handlers.js'
import { matchRoute, readBody, send } from './routes.js'
import { STANDIN_GROUPS, STANDIN_PIPELINES } from './service-info.js'
import { EventStore, type Reservation, type StoredEvent, type SupervisedMessage } from './store.js'
import { type Supervisor, startSupervisor } from './supervisor.js'
import { completeUpload } from './upload.js'
import { createTokenVerifier, type TokenCheck } from './verify-token.js'

export type { StandInEndpoint, StandInFault } from './faults.js'

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
  /**
   * Run the supervisor (default `true` when `kafka` is given). Either way, with `kafka` the stand-in creates
   * the instance's topics (every topic `createEvent` can route to), as GraceDB's brokers have them.
   */
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
  const faults = new FaultQueue()
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
    const fault = route.endpoint === 'other' ? undefined : faults.take(route.endpoint)
    if (fault) {
      log.status = applyFault(req, res, fault)
      return
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
    const reply = await dispatch({ store, pipelines, serviceUrl }, route, req, raw, sub, url)
    log.status = reply.status
    send(res, reply.status, reply.body)
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, () => resolve((server.address() as AddressInfo).port))
  })
  serviceUrl = `http://localhost:${port}/api/`
  audience = serviceAudience(serviceUrl)
  if (issuer) {
    verify = createTokenVerifier({
      issuer: issuer.issuer,
      jwks: issuer.jwks,
      audience: [audience, 'ANY'],
      scope: opts.scope ?? 'gracedb.read',
    })
  }

  let supervisor: Supervisor | undefined
  const topics = instanceTopics(deriveInstanceName(serviceUrl), pipelines)
  if (opts.kafka && !(opts.supervisor ?? true)) {
    // GraceDB's brokers do not auto-create topics: the instance's topics exist before any client runs.
    const brokers = opts.kafka.plaintextBootstrapServers.split(',')
    await withAdmin(brokers, (admin) =>
      ensureTopics(
        admin,
        topics.map((topic) => ({ topic })),
      ),
    ).catch((err: unknown) => {
      server.close()
      for (const s of sockets) s.destroy()
      throw err
    })
  }
  if (opts.kafka && (opts.supervisor ?? true)) {
    const brokers = opts.kafka.plaintextBootstrapServers.split(',')
    try {
      // The supervisor creates the instance's topics before it subscribes.
      supervisor = await startSupervisor({
        brokers,
        topics,
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
    injectFault: (endpoint, fault) => faults.inject(endpoint, fault),
    clearFaults: () => faults.clear(),
    stop,
    [Symbol.asyncDispose]: stop,
  }
}

/** Every topic `createEvent` can route an event of a known group and pipeline to, on `instance`. */
function instanceTopics(instance: string, pipelines: readonly string[]): string[] {
  const topics = STANDIN_GROUPS.flatMap((group) => pipelines.map((p) => routeEventTopic(instance, group, p)))
  return [...new Set(topics)]
}
