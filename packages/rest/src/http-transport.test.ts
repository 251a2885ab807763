import { type GraceDbStandIn, startGraceDbStandIn } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpTransport } from './http-transport.js'
import { DEFAULT_RETRY_POLICY } from './retry-policy.js'

let gracedb: GraceDbStandIn

beforeAll(async () => {
  gracedb = await startGraceDbStandIn({ requireAuth: false })
})
afterAll(async () => {
  await gracedb?.stop()
})

function transport(token: () => Promise<string | null>): HttpTransport {
  return new HttpTransport({
    retry: { ...DEFAULT_RETRY_POLICY, backoffFactor: 0.01 },
    requestTimeout: 10,
    userAgent: 'test',
    serviceUrl: gracedb.serviceUrl,
    token,
  })
}

describe('HttpTransport token lookup', () => {
  it('looks the token up once per request, not once per retry attempt', async () => {
    let lookups = 0
    const t = transport(async () => {
      lookups++
      return null // a failed lookup: the request goes out without credentials
    })
    const since = gracedb.requests.length
    gracedb.injectFault('root', { status: 503, times: 2 })
    const reply = await t.requestJson({ method: 'GET', url: gracedb.serviceUrl })
    expect(reply.status).toBe(200)
    expect(gracedb.requests.slice(since).filter((r) => r.endpoint === 'root')).toHaveLength(3)
    expect(lookups).toBe(1)
  })

  it('does not look a token up for a URL on another origin', async () => {
    let lookups = 0
    const t = transport(async () => {
      lookups++
      return 'not-a-real-token'
    })
    const other = new URL(gracedb.serviceUrl)
    other.hostname = '127.0.0.1' // same server, another origin
    await t.requestJson({ method: 'GET', url: other.href })
    expect(lookups).toBe(0)
  })
})
