import { ClientClosedError } from '@gracedb-kafka/core'
import { describe, expect, it } from 'vitest'
import { GraceDb } from './client.js'

// No server: a closed client refuses every call before any request, so nothing listens on this port.
const serviceUrl = 'http://127.0.0.1:1/api/'
const make = (): GraceDb => new GraceDb(serviceUrl, { apiVersion: 'v2', forceNoauth: true })

async function closedErrorOf(call: () => Promise<unknown> | unknown): Promise<unknown> {
  try {
    await call()
  } catch (err) {
    return err
  }
  throw new Error('the call did not fail')
}

describe('GraceDb lifecycle', () => {
  it('close() twice resolves, and every call afterwards throws ClientClosedError naming the client', async () => {
    const c = make()
    await expect(Promise.all([c.close(), c.close()])).resolves.toEqual([undefined, undefined])
    await expect(c.close()).resolves.toBeUndefined()
    const calls: [string, () => unknown][] = [
      ['serviceInfo', () => c.serviceInfo()],
      ['reserveGraceId', () => c.reserveGraceId('Test', 'gstlal')],
      ['uploadReservedEvent', () => c.uploadReservedEvent('G1', 'coinc.xml')],
      ['createEvent', () => c.createEvent('Test', 'gstlal', 'coinc.xml')],
      ['createKafkaProducer', () => c.createKafkaProducer({ bootstrapServers: '127.0.0.1:1' })],
    ]
    for (const [name, call] of calls) {
      const err = await closedErrorOf(call)
      expect(err, name).toBeInstanceOf(ClientClosedError)
      expect(err, name).toMatchObject({ code: 'ERR_CLIENT_CLOSED', client: 'gracedb' })
    }
  })

  it('await using closes the client at the end of the scope', async () => {
    let escaped: GraceDb | undefined
    {
      await using c = make()
      escaped = c
      expect(c.serviceUrl).toBe(serviceUrl)
    }
    await expect(escaped.serviceInfo()).rejects.toMatchObject({
      code: 'ERR_CLIENT_CLOSED',
      client: 'gracedb',
    })
  })
})
