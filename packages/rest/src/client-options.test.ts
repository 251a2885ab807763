import { InvalidOptionError } from '@gracedb-kafka/core'
import { describe, expect, it } from 'vitest'
import { GraceDb } from './client.js'
import { gracedbAudience, parseGraceDbOptions } from './client-options.js'

describe('GraceDb options', () => {
  it('defaults follow the reference: scope gracedb.read, 5 retries, factor 0.1, 502/503/504', () => {
    const o = parseGraceDbOptions()
    expect(o).toMatchObject({
      tokenScope: 'gracedb.read',
      retries: 5,
      backoffFactor: 0.1,
      retryCodes: [502, 503, 504],
    })
    expect(o.retryTimeout).toBe(30)
  })

  it('a bad option is an InvalidOptionError naming it', () => {
    const bad = (opts: object, option: string) => {
      const err = (() => {
        try {
          parseGraceDbOptions(opts as never)
        } catch (e) {
          return e
        }
      })()
      expect(err).toBeInstanceOf(InvalidOptionError)
      expect((err as InvalidOptionError).option).toBe(option)
    }
    bad({ retries: -1 }, 'retries')
    bad({ apiVersion: 2 }, 'apiVersion')
    bad({ nonsense: true }, 'nonsense')
    bad({ forceNoauth: true, failIfNoauth: true }, 'forceNoauth')
  })

  it('the audience is scheme://hostname of the service URL, as igwn-auth-utils derives it', () => {
    expect(gracedbAudience('https://gracedb-test.ligo.org/api/')).toBe('https://gracedb-test.ligo.org')
    expect(gracedbAudience('http://localhost:8080/api/')).toBe('http://localhost')
  })

  it('the service URL gets a trailing slash and the versioned root', () => {
    const c = new GraceDb('https://gracedb-test.ligo.org/api', { apiVersion: 'v2', forceNoauth: true })
    expect(c.serviceUrl).toBe('https://gracedb-test.ligo.org/api/')
    expect(c.versionedServiceUrl).toBe('https://gracedb-test.ligo.org/api/v2/')
    const d = new GraceDb('https://gracedb-test.ligo.org/api/', { apiVersion: 'default', forceNoauth: true })
    expect(d.versionedServiceUrl).toBe('https://gracedb-test.ligo.org/api/')
    expect(() => new GraceDb('not a url')).toThrow(InvalidOptionError)
  })
})
