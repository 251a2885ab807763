import { describe, expect, it } from 'vitest'
import { InvalidOptionError } from './errors.js'
import { explicitOrConfig, LIBRDKAFKA_KEYS, readLibrdkafkaKeys } from './librdkafka-keys.js'

const optionOf = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (err) {
    if (err instanceof InvalidOptionError) return err.option
    throw err
  }
  return undefined
}

describe('the librdkafka key table', () => {
  it('maps client.id to clientId for both clients', () => {
    expect(LIBRDKAFKA_KEYS['client.id']).toMatchObject({
      option: 'clientId',
      clients: ['producer', 'consumer'],
    })
    for (const role of ['producer', 'consumer'] as const) {
      expect(readLibrdkafkaKeys({ 'client.id': 'me' }, role, 'X').settings).toEqual({ clientId: 'me' })
    }
  })

  it('converts values by kind and scale', () => {
    const { settings, rest } = readLibrdkafkaKeys(
      {
        'linger.ms': '10',
        'queue.buffering.max.kbytes': 2,
        'compression.type': 'lz4',
        retry: { retries: 1 },
      },
      'producer',
      'P',
    )
    expect(settings).toEqual({ lingerMs: 10, queueMaxBytes: 2048, compression: 'lz4' })
    expect(rest).toEqual({ retry: { retries: 1 } })
    expect(
      readLibrdkafkaKeys(
        { 'enable.auto.commit': 'false', 'auto.offset.reset': 'smallest', 'queued.max.messages.kbytes': 3 },
        'consumer',
        'C',
      ).settings,
    ).toEqual({ autoCommit: false, autoOffsetReset: 'earliest', maxBufferedBytes: 3072 })
  })

  it('refuses a dotted key it does not know, or one for the other client, naming it', () => {
    expect(optionOf(() => readLibrdkafkaKeys({ 'sasl.password': 'x' }, 'producer', 'P'))).toBe(
      'kafkaConfig.sasl.password',
    )
    expect(optionOf(() => readLibrdkafkaKeys({ 'linger.ms': 5 }, 'consumer', 'C'))).toBe(
      'kafkaConfig.linger.ms',
    )
    expect(() => readLibrdkafkaKeys({ 'batch.size': 0 }, 'producer', 'P')).toThrow(/integer >= 1/)
  })

  it('an explicit option beats kafkaConfig, which beats the default', () => {
    const { settings } = readLibrdkafkaKeys({ 'client.id': 'from-config' }, 'producer', 'P')
    expect(explicitOrConfig('explicit', settings, 'clientId', 'default')).toBe('explicit')
    expect(explicitOrConfig(undefined, settings, 'clientId', 'default')).toBe('from-config')
    expect(explicitOrConfig(undefined, {}, 'clientId', 'default')).toBe('default')
  })
})
