import { InvalidOptionError } from '@gracedb-kafka/core'
import { describe, expect, it } from 'vitest'
import { type ConsumerOptionsInput, parseConsumerOptions } from './options.js'

const base: ConsumerOptionsInput = { bootstrapServers: 'kafka.example.org:9092', instanceName: 'gracedb-dev' }

function optionOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidOptionError)
    return (err as InvalidOptionError).option
  }
  throw new Error('expected InvalidOptionError')
}

describe('parseConsumerOptions', () => {
  it('applies the reference defaults', () => {
    const o = parseConsumerOptions(base)
    expect(o).toMatchObject({
      bootstrapServers: [{ host: 'kafka.example.org', port: 9092 }],
      useSsl: true,
      skipHostnameVerification: false,
      tokenScope: 'kafka.consume',
      reloadCred: true,
      reloadBuffer: 300,
      autoOffsetReset: 'latest',
      autoCommit: true,
      autoCommitIntervalMs: 5000,
      groupId: undefined,
      topics: undefined,
    })
  })
  it('accepts one topic or a list', () => {
    expect(parseConsumerOptions({ ...base, topics: 'test' }).topics).toEqual(['test'])
    expect(parseConsumerOptions({ ...base, topics: ['a', 'b'] }).topics).toEqual(['a', 'b'])
  })
  it("honours the spec's kafkaConfig {'enable.auto.commit': false} form", () => {
    expect(parseConsumerOptions({ ...base, kafkaConfig: { 'enable.auto.commit': false } }).autoCommit).toBe(
      false,
    )
    expect(parseConsumerOptions({ ...base, kafkaConfig: { 'enable.auto.commit': 'false' } }).autoCommit).toBe(
      false,
    )
    // the explicit option wins
    expect(
      parseConsumerOptions({ ...base, autoCommit: true, kafkaConfig: { 'enable.auto.commit': false } })
        .autoCommit,
    ).toBe(true)
  })
  it('an explicit clientId beats kafkaConfig client.id; client.id alone is used (core precedence rule)', () => {
    const both = parseConsumerOptions({
      ...base,
      clientId: 'explicit',
      kafkaConfig: { 'client.id': 'config' },
    })
    expect(both.clientId).toBe('explicit')
    expect(parseConsumerOptions({ ...base, kafkaConfig: { 'client.id': 'config' } }).clientId).toBe('config')
    expect(parseConsumerOptions({ ...base, clientId: 'explicit' }).clientId).toBe('explicit')
    expect(parseConsumerOptions(base).clientId).toBeUndefined()
  })
  it('translates librdkafka names and splits kafkajs consumer vs client settings', () => {
    const o = parseConsumerOptions({
      ...base,
      kafkaConfig: {
        'session.timeout.ms': 10000,
        'auto.offset.reset': 'smallest',
        'group.id': 'g1',
        'auto.commit.interval.ms': '250',
        maxBytes: 1024,
        logLevel: 4,
      },
    })
    expect(o.consumer).toEqual({ sessionTimeout: 10000, maxBytes: 1024 })
    expect(o.client).toEqual({ logLevel: 4 })
    expect(o.autoOffsetReset).toBe('earliest')
    expect(o.groupId).toBe('g1')
    expect(o.autoCommitIntervalMs).toBe(250)
  })
  it('rejects librdkafka properties kafkajs cannot honour, naming them', () => {
    expect(optionOf(() => parseConsumerOptions({ ...base, kafkaConfig: { 'queued.min.messages': 1 } }))).toBe(
      'kafkaConfig.queued.min.messages',
    )
    expect(
      optionOf(() => parseConsumerOptions({ ...base, kafkaConfig: { 'queued.max.messages.kbytes': 0 } })),
    ).toBe('kafkaConfig.queued.max.messages.kbytes')
    expect(optionOf(() => parseConsumerOptions({ ...base, kafkaConfig: { 'session.timeout.ms': -1 } }))).toBe(
      'kafkaConfig.session.timeout.ms',
    )
  })
  it('bounds the buffer in bytes: 64 MiB by default, queued.max.messages.kbytes in KiB, the explicit option first', () => {
    expect(parseConsumerOptions(base).maxBufferedBytes).toBe(64 * 1024 * 1024)
    const kb = { 'queued.max.messages.kbytes': 1024 }
    expect(parseConsumerOptions({ ...base, kafkaConfig: kb }).maxBufferedBytes).toBe(1024 * 1024)
    expect(parseConsumerOptions({ ...base, maxBufferedBytes: 5000, kafkaConfig: kb }).maxBufferedBytes).toBe(
      5000,
    )
    for (const bad of [0, 1.5, -1, '1MB']) {
      expect(optionOf(() => parseConsumerOptions({ ...base, maxBufferedBytes: bad as number }))).toBe(
        'maxBufferedBytes',
      )
    }
  })
  it('names the bad option', () => {
    expect(optionOf(() => parseConsumerOptions({ ...base, autoOffsetReset: 'beginning' as 'latest' }))).toBe(
      'autoOffsetReset',
    )
    expect(optionOf(() => parseConsumerOptions({ ...base, maxBufferedMessages: 0 }))).toBe(
      'maxBufferedMessages',
    )
    expect(optionOf(() => parseConsumerOptions({ ...base, groupId: '' }))).toBe('groupId')
    expect(optionOf(() => parseConsumerOptions({ bootstrapServers: 'x:1' }))).toBe('instanceName')
    expect(optionOf(() => parseConsumerOptions({ ...base, bootstrapServers: 'nohost' }))).toBe(
      'bootstrapServers',
    )
  })
  it('rejects unknown options (a typo is not silently ignored)', () => {
    expect(() => parseConsumerOptions({ ...base, group_id: 'x' } as ConsumerOptionsInput)).toThrow(
      InvalidOptionError,
    )
  })
  it('maps the deprecated autoRefreshToken onto reloadCred', () => {
    const o = parseConsumerOptions({ ...base, autoRefreshToken: false })
    expect(o.reloadCred).toBe(false)
  })
})
