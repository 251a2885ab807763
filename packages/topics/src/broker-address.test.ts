import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkBrokerAddress,
  formatBrokerAddress,
  formatBrokerList,
  isParsedBrokerAddress,
  parseBrokerAddress,
} from './broker-address.js'
import { TopicNameError } from './errors.js'

describe('the broker-address grammar', () => {
  it.each([
    ['kafka.ligo.org:9092', { host: 'kafka.ligo.org', port: 9092 }],
    ['  Broker_1:1 ', { host: 'Broker_1', port: 1 }],
    ['10.0.0.1:65535', { host: '10.0.0.1', port: 65535 }],
    ['[::1]:9093', { host: '::1', port: 9093 }],
    ['[fe80::1%]:9093', undefined],
  ])('reads %j', (text, expected) => {
    if (expected === undefined) expect(() => parseBrokerAddress(text)).toThrow(TopicNameError)
    else expect(parseBrokerAddress(text)).toEqual(expected)
  })

  it('fills in a default port only when asked to', () => {
    expect(parseBrokerAddress('localhost', { defaultPort: 9092 })).toEqual({ host: 'localhost', port: 9092 })
    expect(checkBrokerAddress('localhost').problem).toMatch(/missing port; expected a port from 1 to 65535/)
  })

  it.each([
    ['', /missing host/],
    [':9092', /missing host/],
    ['kafka:0', /bad port "0"; expected a port from 1 to 65535/],
    ['kafka:70000', /bad port "70000"/],
    ['kafka:9x', /bad port "9x"/],
    ['::1:9092', /IPv6 addresses must be written in brackets/],
    ['[::1', /missing "]"/],
    ['[::1]x', /unexpected "x" after "]"/],
    ['[nope]:1', /"nope" is not an IPv6 address/],
    ['ka fka:9092', /host "ka fka" contains " "/],
    ['https://kafka:9092', /URL scheme does not belong/],
  ])('says what is wrong with %j', (text, problem) => {
    expect(checkBrokerAddress(text).problem).toMatch(problem)
    expect(() => parseBrokerAddress(text)).toThrow(problem)
  })

  it('never echoes user info, password included', () => {
    const err = (() => {
      try {
        parseBrokerAddress('alice:S3cret-Pw@kafka:9092')
      } catch (e) {
        return e as TopicNameError
      }
    })()
    expect(err).toBeInstanceOf(TopicNameError)
    expect(err?.message).toMatch(/user info/)
    expect(`${err?.message} ${err?.input}`).not.toContain('S3cret-Pw')
  })

  it('refuses a value that is not a string with a TopicNameError', () => {
    expect(() => parseBrokerAddress(9092 as unknown as string)).toThrow(TopicNameError)
  })

  it('marks what it parsed (frozen, so it stays valid); a hand-written address is not marked', () => {
    const parsed = parseBrokerAddress('h:1')
    expect(isParsedBrokerAddress(parsed)).toBe(true)
    expect(Object.isFrozen(parsed)).toBe(true)
    expect(isParsedBrokerAddress({ host: 'h', port: 1 })).toBe(false)
    expect(isParsedBrokerAddress('h:1')).toBe(false)
    expect(isParsedBrokerAddress(null)).toBe(false)
  })

  it('formats addresses as kafkajs and ligo-gracedb write them', () => {
    expect(formatBrokerAddress({ host: '::1', port: 9092 })).toBe('[::1]:9092')
    expect(
      formatBrokerList([
        { host: 'a', port: 1 },
        { host: '10.0.0.2', port: 2 },
      ]),
    ).toBe('a:1,10.0.0.2:2')
  })

  it('parses what it formats (property)', () => {
    const host = fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6())
    fc.assert(
      fc.property(host, fc.integer({ min: 1, max: 65535 }), (h, port) => {
        expect(parseBrokerAddress(formatBrokerAddress({ host: h, port }))).toEqual({ host: h, port })
      }),
      { numRuns: 300 },
    )
  })
})
