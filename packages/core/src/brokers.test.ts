import { describe, expect, it } from 'vitest'
import { bootstrapServersSchema, brokerAudience } from './brokers.js'
import { InvalidOptionError } from './errors.js'

describe('bootstrapServersSchema', () => {
  it('reads a string once into addresses', () => {
    expect(bootstrapServersSchema.parse(' a.example.org:9092 ,[::1]:9093,')).toEqual([
      { host: 'a.example.org', port: 9092 },
      { host: '::1', port: 9093 },
    ])
  })

  it('never echoes user info', () => {
    const r = bootstrapServersSchema.safeParse('alice:S3cret-Pw@kafka:9092')
    expect(r.success).toBe(false)
    expect(JSON.stringify(r.error?.issues)).toMatch(/user info/)
    expect(JSON.stringify(r.error?.issues)).not.toContain('S3cret-Pw')
  })

  it('refuses a mixed list of strings and addresses', () => {
    expect(bootstrapServersSchema.safeParse(['a:1', { host: 'b', port: 2 }]).success).toBe(false)
  })
})

describe('brokerAudience: the default audience is the first broker host', () => {
  it.each<[Parameters<typeof brokerAudience>[0], string]>([
    [
      [
        { host: 'b1.example.org', port: 9092 },
        { host: 'b2', port: 1 },
      ],
      'b1.example.org',
    ],
    [{ host: '::1', port: 9092 }, '::1'],
    ['kafka.ligo.org:9092', 'kafka.ligo.org'],
    ['kafka.ligo.org', 'kafka.ligo.org'],
    ['b1.example.org:9092,b2.example.org:9092', 'b1.example.org'],
    [['b1.example.org:9092', 'b2.example.org:9092'], 'b1.example.org'],
    ['kafka://user@kafka.ligo.org/gracedb.test', 'kafka.ligo.org'],
    ['SASL_SSL://kafka.ligo.org:9093', 'kafka.ligo.org'],
    ['[::1]:9092', '::1'],
  ])('%j -> %s', (input, host) => {
    expect(brokerAudience(input)).toBe(host)
  })

  it.each<[unknown]>([[''], [':9092'], ['kafka://'], [[]], [undefined], ['ka fka:1']])(
    '%j is an InvalidOptionError naming brokerUrl',
    (input) => {
      expect(() => brokerAudience(input as string)).toThrow(InvalidOptionError)
      expect(() => brokerAudience(input as string)).toThrow(/^brokerUrl: /)
    },
  )

  it('does not echo a password', () => {
    expect(() => brokerAudience('kafka://u:S3cret-Pw@:9092')).toThrow(InvalidOptionError)
    try {
      brokerAudience('kafka://u:S3cret-Pw@:9092')
    } catch (err) {
      expect((err as Error).message).not.toContain('S3cret-Pw')
    }
  })
})
