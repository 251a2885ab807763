import { describe, expect, it } from 'vitest'
import { TopicNameError } from './errors.js'
import { thrown } from './testing/thrown.js'
import { makeTopicName, parseTopicName } from './topic-name.js'

describe('makeTopicName', () => {
  it.each([
    ['gracedb-dev', 'gstlal', 'gracedb-dev.gstlal'],
    ['gracedb-test', 'cwb', 'gracedb-test.cwb'],
    ['gracedb', 'aframe', 'gracedb.aframe'],
    ['gracedb-test', 'test', 'gracedb-test.test'],
    ['gracedb', 'cwb', 'gracedb.cwb'],
    ['Gracedb_Dev', 'MBTA.Online-2', 'Gracedb_Dev.MBTA.Online-2'],
  ])('makeTopicName(%j, %j) === %j', (instance, pipeline, topic) => {
    expect(makeTopicName(instance, pipeline)).toBe(topic)
  })

  it.each([
    ['', 'gstlal', '', /instance is empty/],
    ['gracedb-dev', '', '', /pipeline is empty/],
    ['gracedb dev', 'gstlal', 'gracedb dev', /instance "gracedb dev" contains " " at index 7/],
    ['gracedb.dev', 'gstlal', 'gracedb.dev', /instance "gracedb.dev" contains "." at index 7/],
    ['gracedb-dev', 'gst/lal', 'gst/lal', /pipeline "gst\/lal" contains "\/" at index 3/],
    ['gracedb-dev', 'gstlal\n', 'gstlal\n', /pipeline "gstlal\\n" contains "\\n"/],
    ['gracedb-dev', 'gstlalé', 'gstlalé', /contains "é"/],
    [
      'gracedb-dev',
      'p'.repeat(238),
      `gracedb-dev.${'p'.repeat(238)}`,
      /250 characters long; Kafka allows at most 249/,
    ],
  ])('rejects (%j, %j), naming the input %j', (instance, pipeline, input, message) => {
    const err = thrown(() => makeTopicName(instance, pipeline))
    expect(err).toBeInstanceOf(TypeError)
    expect(err.name).toBe('TopicNameError')
    expect(err.code).toBe('ERR_GRACEDB_KAFKA_TOPIC')
    expect(err.input).toBe(input)
    expect(err.message).toMatch(message)
  })

  it('accepts a name of exactly 249 characters', () => {
    expect(makeTopicName('gracedb-dev', 'p'.repeat(237))).toHaveLength(249)
  })

  it('rejects non-string arguments clearly', () => {
    expect(thrown(() => makeTopicName('gracedb', 42 as unknown as string)).message).toContain(
      'pipeline must be a string, got number',
    )
    expect(thrown(() => makeTopicName(null as unknown as string, 'x')).message).toContain(
      'instance must be a string, got null',
    )
  })
})

describe('parseTopicName', () => {
  it.each([
    ['gracedb-dev.gstlal', ['gracedb-dev', 'gstlal']],
    ['gracedb-test.cwb', ['gracedb-test', 'cwb']],
    ['gracedb.aframe', ['gracedb', 'aframe']],
    ['gracedb.cwb', ['gracedb', 'cwb']],
    // Splits at the first dot only, like ligo-gracedb.
    ['gracedb-dev.a.b', ['gracedb-dev', 'a.b']],
    ['x.y..z', ['x', 'y..z']],
  ])('parseTopicName(%j) gives %j', (topic, parts) => {
    expect(parseTopicName(topic)).toEqual(parts)
  })

  it.each([
    ['gstlal', /"gstlal" is not namespaced/],
    ['', /"" is not namespaced/],
    ['.gstlal', /empty instance/],
    ['gracedb-dev.', /empty pipeline/],
    ['.', /"\." is not allowed by Kafka/],
    ['..', /"\.\." is not allowed by Kafka/],
    ['gracedb dev.gstlal', /contains " " at index 7/],
    [`gracedb.${'x'.repeat(242)}`, /250 characters long/],
  ])('rejects %j with a message naming it', (topic, message) => {
    const err = thrown(() => parseTopicName(topic))
    expect(err.input).toBe(topic)
    expect(err.message).toContain(`parseTopicName(${JSON.stringify(topic)})`)
    expect(err.message).toMatch(message)
  })
})

describe('TopicNameError', () => {
  it('is recognised by instanceof across copies through its Symbol.for brand', () => {
    const foreign = Object.assign(new TypeError('x'), { code: 'ERR_GRACEDB_KAFKA_TOPIC' })
    Object.defineProperty(foreign, Symbol.for('@gracedb-kafka/topic-name-error'), { value: true })
    expect(foreign instanceof TopicNameError).toBe(true)
    expect(new TypeError('plain') instanceof TopicNameError).toBe(false)
    expect(TopicNameError.code).toBe('ERR_GRACEDB_KAFKA_TOPIC')
  })
})
