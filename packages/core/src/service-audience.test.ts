import { describe, expect, it } from 'vitest'
import { InvalidOptionError } from './errors.js'
import { serviceAudience } from './service-audience.js'

describe('serviceAudience', () => {
  it.each([
    ['https://gracedb-test.ligo.org/api/', 'https://gracedb-test.ligo.org'],
    ['http://localhost:8080/api/', 'http://localhost'],
    ['https://[::1]:8443/api/', 'https://[::1]'],
  ])('%s -> %s (scheme and host, no port or path)', (url, audience) => {
    expect(serviceAudience(url)).toBe(audience)
  })

  it('refuses a value that is not an absolute URL, naming serviceUrl', () => {
    expect(() => serviceAudience('gracedb')).toThrow(InvalidOptionError)
    expect(() => serviceAudience('gracedb')).toThrow(/^serviceUrl: /)
  })
})
