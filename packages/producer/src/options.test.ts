import { InvalidOptionError } from '@gracedb-kafka/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseProducerOptions, splitKafkaConfig } from './options.js'

const base = { bootstrapServers: 'localhost:9092', instanceName: 'gracedb-dev' }

function optionOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidOptionError)
    return (err as InvalidOptionError).option
  }
  throw new Error('expected an InvalidOptionError')
}

describe('parseProducerOptions', () => {
  it("applies the spec's defaults", () => {
    const o = parseProducerOptions(base)
    expect(o).toMatchObject({
      bootstrapServers: [{ host: 'localhost', port: 9092 }],
      useSsl: true,
      skipHostnameVerification: false,
      tokenScope: 'gracedb.read', // the reference's default: the scope GraceDB requires for publishing
      validateToken: true,
      checkForTopics: true,
      reloadCred: true,
      reloadBuffer: 300,
      flushTimeout: 10,
      guaranteedDelivery: true,
    })
    expect(o.topic).toBeUndefined()
    expect(o.tuning).toMatchObject({
      lingerMs: 5,
      adaptiveLinger: true, // no linger while nothing is in flight
      maxInFlight: 5,
      deliveryTimeoutMs: 30_000,
      messageMaxBytes: 10_485_760,
      compression: 'zstd', // the reference's compression.type
    })
  })

  it('accepts every compression of the reference; the compression option wins over compression.type', () => {
    for (const c of ['zstd', 'gzip', 'lz4', 'snappy', 'none'] as const) {
      expect(parseProducerOptions({ ...base, compression: c }).tuning.compression).toBe(c)
      expect(
        parseProducerOptions({ ...base, kafkaConfig: { 'compression.type': c } }).tuning.compression,
      ).toBe(c)
    }
    const both = parseProducerOptions({
      ...base,
      compression: 'lz4',
      kafkaConfig: { 'compression.type': 'gzip' },
    })
    expect(both.tuning.compression).toBe('lz4')
  })

  it('lets several requests fly without guaranteed delivery', () => {
    expect(parseProducerOptions({ ...base, guaranteedDelivery: false }).tuning.maxInFlight).toBe(5)
  })

  it.each([
    [{ ...base, flushTimeout: -1 }, 'flushTimeout'],
    [{ ...base, flushTimeout: '10' }, 'flushTimeout'],
    [{ ...base, guaranteedDelivery: 'yes' }, 'guaranteedDelivery'],
    [{ ...base, topic: '' }, 'topic'],
    [{ ...base, tokenScope: '' }, 'tokenScope'],
    [{ ...base, bootstrapServers: 'nohost' }, 'bootstrapServers'],
    [{ bootstrapServers: 'localhost:9092' }, 'instanceName'],
    [{ ...base, serviceUrl: 'https://gracedb-dev.ligo.org/api/' }, 'serviceUrl'],
    [{ ...base, kafkaConfig: 5 }, 'kafkaConfig'],
    [{ ...base, kafkaConfig: { 'linger.ms': -1 } }, 'kafkaConfig.linger.ms'],
    [{ ...base, kafkaConfig: { 'enable.idempotence': true } }, 'kafkaConfig.enable.idempotence'],
    [{ ...base, kafkaConfig: { 'compression.type': 'brotli' } }, 'kafkaConfig.compression.type'],
    [{ ...base, compression: 'brotli' as never }, 'compression'],
    [{ ...base, validateToken: 'yes' as never }, 'validateToken'],
    [{ ...base, checkForTopics: 1 as never }, 'checkForTopics'],
    [{ ...base, kafkaConfig: { 'max.in.flight': 6 } }, 'kafkaConfig.max.in.flight.requests.per.connection'],
    [{ ...base, kafkaConfig: { producer: 'x' } }, 'kafkaConfig.producer'],
  ])('names the bad option in %j', (input, option) => {
    expect(optionOf(() => parseProducerOptions(input as never))).toBe(option)
  })

  describe('autoRefreshToken (deprecated alias of reloadCred)', () => {
    afterEach(() => {
      vi.restoreAllMocks()
    })

    it('is accepted, sets reloadCred and warns that it is deprecated', () => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
      expect(parseProducerOptions({ ...base, autoRefreshToken: false }).reloadCred).toBe(false)
      expect(parseProducerOptions({ ...base, reloadCred: false, autoRefreshToken: true }).reloadCred).toBe(
        true,
      )
      expect(warn).toHaveBeenCalledWith(
        'autoRefreshToken is deprecated; use reloadCred instead',
        'DeprecationWarning',
      )
    })

    it('must be a boolean', () => {
      expect(optionOf(() => parseProducerOptions({ ...base, autoRefreshToken: 'yes' } as never))).toBe(
        'autoRefreshToken',
      )
    })
  })

  it('an explicit clientId beats kafkaConfig client.id; client.id alone is used (core precedence rule)', () => {
    const both = parseProducerOptions({
      ...base,
      clientId: 'explicit',
      kafkaConfig: { 'client.id': 'config' },
    })
    expect(both.clientId).toBe('explicit')
    expect(both.tuning.clientId).toBe('explicit')
    const configOnly = parseProducerOptions({ ...base, kafkaConfig: { 'client.id': 'config' } })
    expect(configOnly.clientId).toBe('config')
    expect(parseProducerOptions({ ...base, clientId: 'explicit' }).clientId).toBe('explicit')
    expect(parseProducerOptions(base).clientId).toBeUndefined()
  })

  describe('compression level', () => {
    it('is unset by default (zstd level 1); compressionLevel beats compression.level, which is read too', () => {
      expect(parseProducerOptions(base).tuning.compressionLevel).toBeUndefined()
      expect(parseProducerOptions({ ...base, compressionLevel: 3 }).tuning.compressionLevel).toBe(3)
      const fromConfig = parseProducerOptions({ ...base, kafkaConfig: { 'compression.level': '7' } })
      expect(fromConfig.tuning.compressionLevel).toBe(7)
      const both = parseProducerOptions({
        ...base,
        compressionLevel: -1,
        kafkaConfig: { 'compression.level': 9 },
      })
      expect(both.tuning.compressionLevel).toBe(-1)
      const gzip = parseProducerOptions({ ...base, compression: 'gzip', compressionLevel: 9 })
      expect(gzip.tuning).toMatchObject({ compression: 'gzip', compressionLevel: 9 })
      expect(
        parseProducerOptions({ ...base, compression: 'lz4', compressionLevel: -1 }).tuning.compressionLevel,
      ).toBe(-1)
    })

    it.each([
      [{ ...base, compressionLevel: 13 }, 'compressionLevel', 'from -1 to 12 for zstd'],
      [{ ...base, compressionLevel: -2 }, 'compressionLevel', 'from -1 to 12 for zstd'],
      [{ ...base, compressionLevel: 1.5 }, 'compressionLevel', 'integer'],
      [{ ...base, compressionLevel: '3' }, 'compressionLevel', 'integer'],
      [{ ...base, compression: 'gzip', compressionLevel: 10 }, 'compressionLevel', 'from -1 to 9 for gzip'],
      [{ ...base, compression: 'lz4', compressionLevel: 4 }, 'compressionLevel', 'no levels'],
      [{ ...base, compression: 'none', compressionLevel: 0 }, 'compressionLevel', 'no levels'],
      [{ ...base, kafkaConfig: { 'compression.level': 20 } }, 'kafkaConfig.compression.level', '-1 to 12'],
      [{ ...base, kafkaConfig: { 'compression.level': -5 } }, 'kafkaConfig.compression.level', '>= -1'],
      [
        { ...base, kafkaConfig: { 'compression.type': 'snappy', 'compression.level': 2 } },
        'kafkaConfig.compression.level',
        'no levels',
      ],
      [
        { ...base, guaranteedDelivery: false, compressionLevel: 3 },
        'compressionLevel',
        'guaranteed delivery',
      ],
      [
        { ...base, compressionLevel: 3, kafkaConfig: { producer: { idempotent: false } } },
        'compressionLevel',
        'guaranteed delivery',
      ],
    ])('refuses %j, naming %s', (input, option, why) => {
      let caught: unknown
      try {
        parseProducerOptions(input as never)
      } catch (err) {
        caught = err
      }
      expect(caught).toBeInstanceOf(InvalidOptionError)
      expect((caught as InvalidOptionError).option).toBe(option)
      expect((caught as Error).message).toContain(why)
    })
  })

  it('an explicit compression beats kafkaConfig compression.type', () => {
    const o = parseProducerOptions({
      ...base,
      compression: 'lz4',
      kafkaConfig: { 'compression.type': 'gzip' },
    })
    expect(o.tuning.compression).toBe('lz4')
  })

  it('parses bootstrapServers once into addresses', () => {
    expect(parseProducerOptions({ ...base, bootstrapServers: 'a:1,[::1]:2' }).bootstrapServers).toEqual([
      { host: 'a', port: 1 },
      { host: '::1', port: 2 },
    ])
  })

  it('rejects an unknown option (a typo) instead of ignoring it', () => {
    expect(() => parseProducerOptions({ ...base, flushTimout: 3 } as never)).toThrow(/flushTimout/)
  })
})

describe('splitKafkaConfig', () => {
  it('routes dotted keys to tuning, "producer" to the kafkajs producer, the rest to the kafkajs client', () => {
    const s = splitKafkaConfig(
      {
        'linger.ms': '10',
        'batch.num.messages': 50,
        'queue.buffering.max.kbytes': 2,
        'compression.type': 'gzip',
        'client.id': 'me',
        requestTimeout: 5000,
        producer: { metadataMaxAge: 1000 },
      },
      false,
    )
    expect(s.tuning).toMatchObject({
      lingerMs: 10,
      adaptiveLinger: false,
      batchNumMessages: 50,
      queueMaxBytes: 2048,
      compression: 'gzip',
      clientId: 'me',
    })
    expect(s.kafkaConfig).toEqual({ requestTimeout: 5000 })
    expect(s.producerConfig).toEqual({ metadataMaxAge: 1000 })
  })

  it('an explicit linger.ms (or queue.buffering.max.ms), even the default 5, turns the adaptive linger off', () => {
    expect(splitKafkaConfig({}, true).tuning).toMatchObject({ lingerMs: 5, adaptiveLinger: true })
    expect(splitKafkaConfig({ 'linger.ms': 5 }, true).tuning).toMatchObject({
      lingerMs: 5,
      adaptiveLinger: false,
    })
    expect(splitKafkaConfig({ 'queue.buffering.max.ms': 0 }, true).tuning).toMatchObject({
      lingerMs: 0,
      adaptiveLinger: false,
    })
  })
})
