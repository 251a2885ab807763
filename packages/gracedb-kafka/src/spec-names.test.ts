import { describe, expect, it } from 'vitest'
import * as api from './index.js'

// Every name the Python reference documents (ligo.gracedb.kafka and ligo.gracedb.rest's Kafka part), mapped to
// its TypeScript name. The spec is ../shared/reference/000_2c380401f386d04d.txt.
const SPEC_NAMES: Record<string, string> = {
  GraceDbKafkaProducer: 'GraceDbKafkaProducer',
  GraceDbKafkaConsumer: 'GraceDbKafkaConsumer',
  SciTokenRefreshManager: 'SciTokenRefreshManager',
  get_scitoken_for_kafka: 'getScitokenForKafka',
  create_oauth_callback: 'createOAuthCallback',
  derive_instance_name: 'deriveInstanceName',
  make_topic_name: 'makeTopicName',
  parse_topic_name: 'parseTopicName',
  KafkaError: 'KafkaError',
  KafkaAuthenticationError: 'KafkaAuthenticationError',
  KafkaTokenError: 'KafkaTokenError',
  KafkaProducerError: 'KafkaProducerError',
  KafkaMessageDeliveryError: 'KafkaMessageDeliveryError',
  KafkaConsumerError: 'KafkaConsumerError',
  KafkaConnectionError: 'KafkaConnectionError',
  GraceDb: 'GraceDb',
}

const METHODS: Record<string, { python: string[]; ts: string[] }> = {
  GraceDbKafkaProducer: {
    python: ['produce', 'flush', 'close', 'ping', 'pending_messages'],
    ts: ['produce', 'flush', 'close', 'ping', 'pendingMessages'],
  },
  GraceDbKafkaConsumer: {
    python: ['subscribe', 'poll', 'stream', 'stop', 'close'],
    ts: ['subscribe', 'poll', 'stream', 'stop', 'close'],
  },
  SciTokenRefreshManager: { python: ['get_token', 'create_callback'], ts: ['getToken', 'createCallback'] },
  GraceDb: {
    python: ['create_event', 'upload_reserved_event', 'create_kafka_producer'],
    ts: ['createEvent', 'uploadReservedEvent', 'createKafkaProducer'],
  },
}

describe('the meta-package exports every documented name', () => {
  it.each(Object.entries(SPEC_NAMES))('%s is exported as %s', (_python, ts) => {
    expect(api).toHaveProperty(ts)
    expect(typeof (api as Record<string, unknown>)[ts]).toBe('function')
  })

  it.each(Object.entries(METHODS))('%s has the documented methods', (cls, { ts }) => {
    const ctor = (api as unknown as Record<string, { prototype: object }>)[cls]
    expect(ctor).toBeDefined()
    for (const name of ts) {
      const descriptor =
        Object.getOwnPropertyDescriptor(ctor!.prototype, name) ??
        Object.getOwnPropertyDescriptor(Object.getPrototypeOf(ctor!.prototype), name)
      expect(descriptor, `${cls}.${name}`).toBeDefined()
    }
  })

  it('errors keep the spec hierarchy through the meta-package', () => {
    expect(new api.KafkaTokenError('x')).toBeInstanceOf(api.KafkaAuthenticationError)
    expect(new api.KafkaMessageDeliveryError('x')).toBeInstanceOf(api.KafkaProducerError)
    expect(new api.KafkaConnectionError('x')).toBeInstanceOf(api.KafkaError)
  })

  it('topic utilities behave as the spec examples say', () => {
    expect(api.deriveInstanceName('https://gracedb-dev.ligo.org/api/')).toBe('gracedb-dev')
    expect(api.makeTopicName('gracedb-dev', 'gstlal')).toBe('gracedb-dev.gstlal')
    expect(api.parseTopicName('gracedb-dev.gstlal')).toEqual(['gracedb-dev', 'gstlal'])
  })
})
