import { describe, expect, it } from 'vitest'
import { connectionOptionsSchema, InvalidOptionError, parseOptions } from './index.js'

const base = { bootstrapServers: 'kafka.example.org:9092', instanceName: 'gracedb-dev' }
const parse = (input: unknown) => parseOptions(connectionOptionsSchema, input, 'Test')

describe('connection options', () => {
  it('applies the spec defaults', () => {
    const o = parse(base)
    expect(o).toMatchObject({
      bootstrapServers: [{ host: 'kafka.example.org', port: 9092 }],
      instanceName: 'gracedb-dev',
      useSsl: true,
      skipHostnameVerification: false,
      reloadCred: true,
      reloadBuffer: 300,
    })
  })

  it('reads comma-separated servers and arrays once into { host, port } addresses', () => {
    expect(parse({ ...base, bootstrapServers: 'a:1, b:2' }).bootstrapServers).toEqual([
      { host: 'a', port: 1 },
      { host: 'b', port: 2 },
    ])
    expect(parse({ ...base, bootstrapServers: ['a:1', '[::1]:9093'] }).bootstrapServers).toEqual([
      { host: 'a', port: 1 },
      { host: '::1', port: 9093 },
    ])
  })

  it('hands an already parsed broker list on as the same objects, not parsed again', () => {
    const once = parse(base).bootstrapServers
    const again = parse({ ...base, bootstrapServers: once }).bootstrapServers
    expect(again).toEqual([{ host: 'kafka.example.org', port: 9092 }])
    expect(again[0]).toBe(once[0])
    expect(Object.isFrozen(again[0])).toBe(true)
  })

  it('checks hand-written { host, port } objects with the same grammar, keeping the objects', () => {
    const brokers = [
      { host: 'a.example.org', port: 9092 },
      { host: '::1', port: 9093 },
    ]
    const parsed = parse({ ...base, bootstrapServers: brokers }).bootstrapServers
    expect(parsed).toEqual(brokers)
    expect(parsed[0]).toBe(brokers[0])
  })

  it('refuses a hand-written address with a bad part', () => {
    expect(() => parse({ ...base, bootstrapServers: [{ host: 'a', port: 0 }] })).toThrow(
      /port from 1 to 65535/,
    )
    expect(() => parse({ ...base, bootstrapServers: [{ host: 'a b', port: 1 }] })).toThrow(/contains " "/)
    expect(() => parse({ ...base, bootstrapServers: [{ host: 'a', port: 1.5 }] })).toThrow(InvalidOptionError)
  })

  const bad: Array<[string, unknown, string, RegExp]> = [
    ['no servers', { instanceName: 'x' }, 'bootstrapServers', /host:port/],
    ['empty servers', { ...base, bootstrapServers: '' }, 'bootstrapServers', /at least one/],
    ['no port', { ...base, bootstrapServers: 'kafka' }, 'bootstrapServers', /host:port/],
    ['port 0', { ...base, bootstrapServers: 'kafka:0' }, 'bootstrapServers', /1 to 65535/],
    ['neither identity', { bootstrapServers: 'a:1' }, 'instanceName', /exactly one/],
    ['both identities', { ...base, serviceUrl: 'https://gracedb.ligo.org/api/' }, 'serviceUrl', /not both/],
    ['bad url', { bootstrapServers: 'a:1', serviceUrl: 'not a url' }, 'serviceUrl', /absolute URL/],
    ['useSsl string', { ...base, useSsl: 'yes' }, 'useSsl', /true or false/],
    ['negative reloadBuffer', { ...base, reloadBuffer: -1 }, 'reloadBuffer', /seconds/],
    ['reloadBuffer string', { ...base, reloadBuffer: '300' }, 'reloadBuffer', /seconds/],
    ['empty caCertPath', { ...base, caCertPath: '' }, 'caCertPath', /PEM/],
  ]
  it.each(bad)('%s names the option', (_label, input, option, message) => {
    let caught: unknown
    try {
      parse(input)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(InvalidOptionError)
    expect((caught as InvalidOptionError).option).toBe(option)
    expect((caught as InvalidOptionError).message).toContain(`"${option}"`)
    expect((caught as InvalidOptionError).message).toMatch(message)
  })

  it('rejects a non-object', () => {
    expect(() => parse('kafka:9092')).toThrow(InvalidOptionError)
  })
})
