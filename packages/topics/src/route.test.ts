import { describe, expect, it } from 'vitest'
import { TopicNameError } from './errors.js'
import { routeEventPipeline, routeEventTopic } from './route.js'
import { thrown } from './testing/thrown.js'

describe('routeEventTopic', () => {
  it.each([
    ['gracedb-test', 'CBC', 'gstlal', 'gracedb-test.gstlal'],
    ['gracedb-test', 'CBC', 'MBTAOnline', 'gracedb-test.mbtaonline'],
    ['gracedb', 'Burst', 'CWB', 'gracedb.cwb'],
    ['gracedb-dev', 'External', 'Fermi', 'gracedb-dev.fermi'],
    // The Test group ignores the pipeline and compares case-insensitively, like ligo-gracedb's group.lower().
    ['gracedb-test', 'Test', 'gstlal', 'gracedb-test.test'],
    ['gracedb-test', 'TEST', 'pycbc', 'gracedb-test.test'],
    ['gracedb-test', 'test', 'whatever is ignored', 'gracedb-test.test'],
    // A group that merely contains "test" is not the Test group.
    ['gracedb-test', 'Testing', 'gstlal', 'gracedb-test.gstlal'],
  ])('(%j, %j, %j) -> %j', (instance, group, pipeline, topic) => {
    expect(routeEventTopic(instance, group, pipeline)).toBe(topic)
  })

  it('rejects a pipeline that cannot be a topic, naming it', () => {
    expect(() => routeEventTopic('gracedb', 'CBC', 'gst lal')).toThrow(TopicNameError)
    expect(() => routeEventTopic('gracedb', 'CBC', 'gst lal')).toThrow(/pipeline "gst lal" contains " "/)
    expect(() => routeEventTopic('', 'Test', 'x')).toThrow(/instance is empty/)
  })
})

describe('routeEventPipeline (the un-namespaced part createEvent hands to the producer)', () => {
  it.each([
    ['Test', 'gstlal', 'test'],
    ['TEST', 'MBTA', 'test'],
    ['CBC', 'MBTA', 'mbta'],
    ['Burst', 'CWB', 'cwb'],
  ])('%s / %s -> %s, and routeEventTopic is the instance plus it', (group, pipeline, expected) => {
    expect(routeEventPipeline(group, pipeline)).toBe(expected)
    expect(routeEventTopic('gracedb-test', group, pipeline)).toBe(`gracedb-test.${expected}`)
  })
})

describe('type errors name the function the caller called', () => {
  it('routeEventPipeline with a non-string group or pipeline', () => {
    const group = thrown(() => routeEventPipeline(7 as unknown as string, 'gstlal'))
    expect(group.message).toBe('routeEventPipeline: group must be a string, got number')
    expect(group.input).toBe('7')
    const pipeline = thrown(() => routeEventPipeline('CBC', null as unknown as string))
    expect(pipeline.message).toBe('routeEventPipeline: pipeline must be a string, got null')
  })

  it('routeEventTopic with a non-string group or pipeline', () => {
    expect(thrown(() => routeEventTopic('gracedb', undefined as unknown as string, 'x')).message).toBe(
      'routeEventTopic: group must be a string, got undefined',
    )
    expect(thrown(() => routeEventTopic('gracedb', 'CBC', 42 as unknown as string)).message).toBe(
      'routeEventTopic: pipeline must be a string, got number',
    )
  })
})
