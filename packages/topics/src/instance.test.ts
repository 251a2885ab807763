import { describe, expect, it } from 'vitest'
import { deriveInstanceName } from './instance.js'
import { thrown } from './testing/thrown.js'

// Expected values produced by ligo-gracedb's derive_instance_name under Python 3.11.7.
const PYTHON_AGREES: [url: string, instance: string][] = [
  ['https://gracedb-dev.ligo.org/api/', 'gracedb-dev'],
  ['https://gracedb.ligo.org/api/', 'gracedb'],
  ['https://localhost:8080/api/', 'localhost'],
  ['http://localhost/api/', 'localhost'],
  ['https://192.168.1.1:9092/', '192'],
  ['https://a.b.c.d.e/', 'a'],
  ['https://gracedb-test.ligo.org/api/', 'gracedb-test'],
  ['https://gracedb-playground.ligo.org/api/', 'gracedb-playground'],
  ['  https://GraceDB-Dev.LIGO.org/api/', 'gracedb-dev'],
  ['https://user:pw@gracedb-test.ligo.org:443/x', 'gracedb-test'],
  ['//gracedb.ligo.org/api', 'gracedb'],
  ['https://gra\tcedb.org/', 'gracedb'],
  ['\u0000\u001f https://gracedb.org', 'gracedb'],
  ['HTTPS://Gracedb.org', 'gracedb'],
  ['gracedb://x.y/', 'x'],
  ['svn+ssh://x.y/', 'x'],
  ['https://x.y?q', 'x'],
  ['https://x.y#f', 'x'],
  ['https://x_y.z/', 'x_y'],
  ['https://a@b@c.d/', 'c'],
  ['https://h:abc/', 'h'],
  ['https://gracedb-dev.ligo.org.', 'gracedb-dev'],
  ['https://gracedb-dev', 'gracedb-dev'],
  ['https://gracedb-dev.ligo.org\n/api', 'gracedb-dev'],
]

// Python raises ValueError("Cannot parse hostname from URL ...") for these.
const NO_HOSTNAME = [
  'gracedb-dev.ligo.org/api/',
  '',
  'localhost:8080/api',
  'https://:8080/',
  'https://user@/',
  'file:///x',
  'https:gracedb.org',
  'https://?x',
]

// Python returns an unusable instance name for these; we reject them (documented difference).
const PYTHON_RETURNS_UNUSABLE: [url: string, python: string][] = [
  ['https://.ligo.org/', ''],
  ['https://[::1]:8080/', '::1'],
  ['https://gr%41cedb.org/', 'gr%41cedb'],
  ['https://grâcedb.org/', 'grâcedb'],
]

describe('deriveInstanceName', () => {
  it('gives the spec example: https://gracedb-dev.ligo.org/api/ -> gracedb-dev', () => {
    expect(deriveInstanceName('https://gracedb-dev.ligo.org/api/')).toBe('gracedb-dev')
  })

  it.each(PYTHON_AGREES)('matches ligo-gracedb for %j -> %j', (url, instance) => {
    expect(deriveInstanceName(url)).toBe(instance)
  })

  it.each(NO_HOSTNAME)('rejects %j, which has no hostname, naming the URL', (url) => {
    const err = thrown(() => deriveInstanceName(url))
    expect(err.code).toBe('ERR_GRACEDB_KAFKA_TOPIC')
    expect(err.input).toBe(url)
    expect(err.message).toContain('Cannot parse hostname from URL')
    expect(err.message).toContain(JSON.stringify(url))
  })

  it.each(PYTHON_RETURNS_UNUSABLE)('rejects %j (Python would return %j) and says why', (url, python) => {
    const err = thrown(() => deriveInstanceName(url))
    expect(err.input).toBe(url)
    expect(err.message).toContain(JSON.stringify(url))
    expect(err.message).toMatch(python === '' ? /is empty/ : /contains/)
  })

  it('rejects a non-string with a TypeError that says what it got', () => {
    const err = thrown(() => deriveInstanceName(undefined as unknown as string))
    expect(err).toBeInstanceOf(TypeError)
    expect(err.message).toContain('serviceUrl must be a string, got undefined')
  })
})
