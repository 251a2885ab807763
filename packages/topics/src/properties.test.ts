import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_KAFKA_PORT, parseKafkaUrl } from './kafka-url.js'
import { makeTopicName, parseTopicName } from './topic-name.js'

const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'.split('')
const instanceArb = fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 1, maxLength: 40 })
// Pipelines may contain dots: parseTopicName splits at the FIRST dot, so they survive the round trip.
const pipelineArb = fc.string({ unit: fc.constantFrom(...NAME_CHARS, '.'), minLength: 1, maxLength: 60 })
const illegalCharArb = fc.constantFrom(' ', '/', ':', '@', '#', '*', '\n', 'é', '\u0000', '😀')

describe('make/parse round trip (property)', () => {
  it('parseTopicName(makeTopicName(i, p)) returns [i, p] for every valid instance and pipeline', () => {
    fc.assert(
      fc.property(instanceArb, pipelineArb, (instance, pipeline) => {
        const topic = makeTopicName(instance, pipeline)
        expect(topic).toBe(`${instance}.${pipeline}`)
        expect(parseTopicName(topic)).toEqual([instance, pipeline])
      }),
      { numRuns: 500 },
    )
  })

  it('makeTopicName(...parseTopicName(t)) returns t for every valid namespaced topic', () => {
    fc.assert(
      fc.property(instanceArb, pipelineArb, (instance, pipeline) => {
        const topic = `${instance}.${pipeline}`
        expect(makeTopicName(...parseTopicName(topic))).toBe(topic)
      }),
      { numRuns: 500 },
    )
  })

  it('any illegal character anywhere in the pipeline is rejected, naming the input', () => {
    fc.assert(
      fc.property(instanceArb, pipelineArb, illegalCharArb, fc.nat(), (instance, pipeline, bad, at) => {
        const i = at % (pipeline.length + 1)
        const broken = pipeline.slice(0, i) + bad + pipeline.slice(i)
        expect(() => makeTopicName(instance, broken)).toThrow(JSON.stringify(broken))
      }),
      { numRuns: 300 },
    )
  })
})

const label = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'.split('')),
  minLength: 1,
  maxLength: 12,
})
const hostArb = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.')),
  fc.ipV4(),
  fc.ipV6().map((addr) => `[${addr}]`),
)
const brokerArb = fc.record({
  host: hostArb,
  port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
})
const topicArb = fc
  .string({ unit: fc.constantFrom(...NAME_CHARS, '.'), minLength: 1, maxLength: 50 })
  .filter((t) => t !== '.' && t !== '..')
const usernameArb = fc.option(
  fc.string({ unit: fc.constantFrom(...NAME_CHARS, '.', '@'), minLength: 1, maxLength: 20 }),
  { nil: undefined },
)

describe('parseKafkaUrl round trip (property)', () => {
  it('recovers the user name, brokers (default port 9092) and topics of any generated URL', () => {
    fc.assert(
      fc.property(
        usernameArb,
        fc.array(brokerArb, { minLength: 1, maxLength: 4 }),
        fc.array(topicArb, { maxLength: 4 }),
        fc.boolean(),
        (username, brokers, topics, trailingSlash) => {
          const hosts = brokers.map((b) => (b.port === undefined ? b.host : `${b.host}:${b.port}`)).join(',')
          const path = topics.length > 0 ? `/${topics.join(',')}` : trailingSlash ? '/' : ''
          const url = `kafka://${username === undefined ? '' : `${username}@`}${hosts}${path}`
          const parsed = parseKafkaUrl(url)
          expect(parsed.username).toBe(username)
          expect(parsed.brokers).toEqual(
            brokers.map((b) => ({
              host: b.host.replace(/^\[|\]$/g, ''),
              port: b.port ?? DEFAULT_KAFKA_PORT,
            })),
          )
          expect(parsed.topics).toEqual(topics)
        },
      ),
      { numRuns: 500 },
    )
  })
})
