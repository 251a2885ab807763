import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { badRequest, parseForm, type Route, text } from './routes.js'
import { STANDIN_GROUPS, STANDIN_SEARCHES, serviceInfoDocument } from './service-info.js'
import type { EventStore, Reservation, StoredEvent } from './store.js'
import { baseName, completeUpload, fileProblem, labelProblem } from './upload.js'

// What the stand-in answers on each endpoint once a request is routed and authorised.

/** What a handler needs: the store, the known pipelines and the API root. */
export interface HandlerContext {
  store: EventStore
  pipelines: readonly string[]
  serviceUrl: string
}

/**
 * Answer an authorised request to `route` as GraceDB would: the API root document, a graceid reservation,
 * an event created over HTTP, or a reserved upload completed.
 *
 * @example
 * ```ts
 * const reply = await dispatch({ store, pipelines, serviceUrl }, route, req, body, 'alice', url)
 * send(res, reply.status, reply.body)
 * ```
 */
export async function dispatch(
  ctx: HandlerContext,
  route: Route,
  req: IncomingMessage,
  raw: Buffer,
  sub: string,
  url: URL,
): Promise<{ status: number; body: unknown }> {
  const { store, pipelines, serviceUrl } = ctx
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
