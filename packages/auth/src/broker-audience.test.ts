import { describe, expect, test } from 'vitest'
import { audienceFromBroker, InvalidOptionError } from './index.js'

describe('audienceFromBroker: the default audience is the broker hostname', () => {
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
