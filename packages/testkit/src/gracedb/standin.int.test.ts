import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SharedKafka, sharedKafka } from '../vitest.js'
import { type GraceDbStandIn, startGraceDbStandIn } from './standin.js'

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
  producer = new kafkajs.Kafka({
    brokers: kafka.plaintextBootstrapServers.split(','),
    logLevel: kafkajs.logLevel.NOTHING,
  }).producer()
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

  it('the supervisor completes a reservation from a Kafka upload message', async () => {
    const res = await reserve(token)
    expect(res.status).toBe(201)
    const { graceid, submitter } = (await res.json()) as { graceid: string; submitter: string }
    expect(graceid).toMatch(/^G\d+$/)
    const contents = Buffer.from([0, 1, 2, 250, 255])
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
            labels: ['INJ'],
            eventFile: ['/data/coinc.xml', contents.toString('base64')],
            _producer_timestamp: Date.now() / 1000,
          }),
        },
      ],
    })
    const event = await gracedb.waitForEvent(graceid, 20_000)
    expect(event).toMatchObject({
      via: 'kafka',
      filename: 'coinc.xml',
      labels: ['INJ'],
      kafkaTopic: 'localhost.gstlal',
    })
    expect(Buffer.from(event.contents).equals(contents)).toBe(true)
  })

  it('injected faults answer the next request, then clear', async () => {
    gracedb.injectFault('reserve', { status: 503 })
    expect((await reserve(token)).status).toBe(503)
    expect((await reserve(token)).status).toBe(201)
    gracedb.injectFault('reserve', { reset: true })
    await expect(reserve(token)).rejects.toThrow()
  })
})
