import type kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { plaintextKafka } from '../admin.js'
import { type SharedKafka, sharedKafka } from '../vitest.js'
import { type GraceDbStandIn, startGraceDbStandIn } from './standin.js'
import type { SupervisedMessage } from './store.js'

// The stand-in on its own: reserve over HTTP with a real token, publish an upload message over PLAINTEXT the
// way ligo-gracedb shapes it, and watch the supervisor complete the reservation.
let kafka: SharedKafka
let gracedb: GraceDbStandIn
let token: string
let producer: kafkajs.Producer

beforeAll(async () => {
  kafka = await sharedKafka()
  gracedb = await startGraceDbStandIn({ kafka })
  token = await kafka.issuer.mint({ aud: gracedb.audience })
  producer = plaintextKafka(kafka.plaintextBootstrapServers.split(','), { patient: true }).producer()
  await producer.connect()
})
afterAll(async () => {
  await producer?.disconnect()
  await gracedb?.stop()
})

async function reserve(auth: string | null): Promise<Response> {
  return fetch(`${gracedb.serviceUrl}v2/events/reserve/`, {
    method: 'POST',
    headers: auth ? { authorization: `Bearer ${auth}` } : {},
    body: new URLSearchParams({ group: 'CBC', pipeline: 'gstlal' }),
  })
}

/** Reserve a graceid with the valid token. */
async function reserved(): Promise<{ graceid: string; submitter: string }> {
  const res = await reserve(token)
  expect(res.status).toBe(201)
  return (await res.json()) as { graceid: string; submitter: string }
}

/** Publish an upload message for `graceid` to `localhost.gstlal` the way ligo-gracedb shapes it. */
async function publishUpload(
  graceid: string,
  submitter: string,
  file: Buffer,
  labels: string[] = ['INJ'],
): Promise<void> {
  await producer.send({
    topic: 'localhost.gstlal',
    messages: [
      {
        key: graceid,
        value: JSON.stringify({
          type: 'upload',
          gracedb_server: gracedb.serviceUrl,
          graceid,
          submitter,
          pipeline: 'gstlal',
          gracedb_upload: true,
          skip_supervisor: false,
          labels,
          eventFile: ['/data/coinc.xml', file.toString('base64')],
          _producer_timestamp: Date.now() / 1000,
        }),
      },
    ],
  })
}

/** What the supervisor recorded for `graceid`, once it has seen it. */
async function supervisedOutcome(graceid: string): Promise<SupervisedMessage> {
  await expect
    .poll(() => gracedb.supervised.some((m) => m.graceid === graceid), { timeout: 20_000, interval: 100 })
    .toBe(true)
  return gracedb.supervised.find((m) => m.graceid === graceid)!
}

/** POST a file to a reserved graceid's upload endpoint. */
async function uploadOverHttp(graceid: string, file: Buffer, labels: string[]): Promise<Response> {
  const form = new FormData()
  form.append('eventFile', new Blob([file]), 'coinc.xml')
  for (const label of labels) form.append('labels', label)
  return fetch(`${gracedb.serviceUrl}v2/events/${graceid}/upload/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  })
}

describe('GraceDB stand-in', () => {
  it('serves an API root with the v2 templates', async () => {
    const res = await fetch(`${gracedb.serviceUrl}v2/`, { headers: { authorization: `Bearer ${token}` } })
    const root = (await res.json()) as { templates: Record<string, string>; groups: string[] }
    expect(root.templates['event-reserve-template']).toBe(`${gracedb.serviceUrl}v2/events/reserve/`)
    expect(root.templates['event-upload-template']).toBe(`${gracedb.serviceUrl}v2/events/{graceid}/upload/`)
    expect(root.groups).toContain('Test')
  })

  it('rejects requests without a valid token', async () => {
    expect((await reserve(null)).status).toBe(401)
    expect((await reserve(`${token}x`)).status).toBe(401)
  })

  it('expects the audience scheme://host of its service URL, and accepts ANY', async () => {
    expect(gracedb.audience).toBe('http://localhost')
    expect((await reserve(await kafka.issuer.mint({ aud: 'ANY' }))).status).toBe(201)
  })

  it('rejects a token for another audience and one from another issuer (401)', async () => {
    const wrongAud = await kafka.issuer.mint({ aud: 'https://gracedb.ligo.org' })
    const res = await reserve(wrongAud)
    expect(res.status).toBe(401)
    expect(((await res.json()) as { detail: string }).detail).toMatch(/aud/)
    // Same key, so only the iss check can refuse it.
    const wrongIss = await kafka.issuer.mint({ aud: gracedb.audience, iss: 'https://evil.example' })
    const res2 = await reserve(wrongIss)
    expect(res2.status).toBe(401)
    expect(((await res2.json()) as { detail: string }).detail).toMatch(/iss/)
  })

  it('the supervisor completes a reservation from a Kafka upload message', async () => {
    const { graceid, submitter } = await reserved()
    expect(graceid).toMatch(/^G\d+$/)
    const contents = Buffer.from([0, 1, 2, 250, 255])
    await publishUpload(graceid, submitter, contents)
    const event = await gracedb.waitForEvent(graceid, 20_000)
    expect(event).toMatchObject({
      via: 'kafka',
      filename: 'coinc.xml',
      labels: ['INJ'],
      kafkaTopic: 'localhost.gstlal',
    })
    expect(Buffer.from(event.contents).equals(contents)).toBe(true)
    expect((await supervisedOutcome(graceid)).outcome).toBe('uploaded')
  })

  it('refuses an empty file or an unknown label, over HTTP and from Kafka alike', async () => {
    const cases: [file: Buffer, labels: string[], field: string][] = [
      [Buffer.alloc(0), ['INJ'], 'eventFile'],
      [Buffer.from('<xml/>'), ['NOT_A_LABEL'], 'labels'],
    ]
    for (const [file, labels, field] of cases) {
      const http = await reserved()
      const res = await uploadOverHttp(http.graceid, file, labels)
      expect(res.status).toBe(400)
      const body = (await res.json()) as Record<string, unknown>
      expect(Object.keys(body)).toEqual([field])

      const viaKafka = await reserved()
      await publishUpload(viaKafka.graceid, viaKafka.submitter, file, labels)
      const seen = await supervisedOutcome(viaKafka.graceid)
      expect(seen.outcome).toBe('refused')
      expect(seen.detail).toEqual(body)

      for (const graceid of [http.graceid, viaKafka.graceid]) {
        expect(gracedb.events.some((e) => e.graceid === graceid)).toBe(false)
        expect(gracedb.reservations.has(graceid)).toBe(true)
      }
    }
  })

  it('injected faults answer the next request, then clear', async () => {
    gracedb.injectFault('reserve', { status: 503 })
    expect((await reserve(token)).status).toBe(503)
    expect((await reserve(token)).status).toBe(201)
    gracedb.injectFault('reserve', { reset: true })
    await expect(reserve(token)).rejects.toThrow()
  })
})
