import { describe, expect, test } from 'vitest'
import { audienceFromBroker, InvalidOptionError } from './index.js'

describe('audienceFromBroker: the default audience is the broker hostname', () => {
  test('a parsed broker list gives the host of its first address', () => {
    expect(
      audienceFromBroker([
        { host: 'b1.example.org', port: 9092 },
        { host: 'b2', port: 1 },
      ]),
    ).toBe('b1.example.org')
  })

  test.each<[string | string[], string]>([
    ['kafka.ligo.org:9092', 'kafka.ligo.org'],
    ['kafka.ligo.org', 'kafka.ligo.org'],
    ['  kafka.ligo.org:9092  ', 'kafka.ligo.org'],
    ['b1.example.org:9092,b2.example.org:9092', 'b1.example.org'],
    [['b1.example.org:9092', 'b2.example.org:9092'], 'b1.example.org'],
    ['kafka://kafka.ligo.org:9092/gracedb.test', 'kafka.ligo.org'],
    ['kafka://user@kafka.ligo.org/gracedb.test,gracedb.cbc', 'kafka.ligo.org'],
    ['kafka://b1.example.org,b2.example.org/t', 'b1.example.org'],
    ['SASL_SSL://kafka.ligo.org:9093', 'kafka.ligo.org'],
    ['[::1]:9092', '::1'],
    ['localhost:9092', 'localhost'],
  ])('%j -> %s', (input, host) => {
    expect(audienceFromBroker(input)).toBe(host)
  })

  test.each<[unknown]>([[''], [':9092'], ['kafka://'], [[]], [undefined]])(
    '%j is an InvalidOptionError',
    (input) => {
      expect(() => audienceFromBroker(input as string)).toThrow(InvalidOptionError)
    },
  )
})
