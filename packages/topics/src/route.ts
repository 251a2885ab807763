import { describeInput, TopicNameError } from './errors.js'
import { typeProblem } from './kafka-rules.js'
import { makeTopicName } from './topic-name.js'

/**
 * The topic that `createEvent` publishes an event to, from the event's group and pipeline.
 *
 * Matches ligo-gracedb's rule: a group equal to `"test"` ignoring case (`Test`, `TEST`, ...) goes to
 * `<instance>.test`, whatever the pipeline; every other group goes to `<instance>.<pipeline lowercased>`.
 * The result is checked like {@link makeTopicName}.
 *
 * @param instance - GraceDB instance name, e.g. `"gracedb-test"`.
 * @param group - the event's group, e.g. `"CBC"` or `"Test"`.
 * @param pipeline - the event's pipeline, e.g. `"gstlal"` or `"MBTAOnline"`.
 * @returns the namespaced topic name.
 * @throws {@link TopicNameError} when the resulting name breaks Kafka's rules.
 *
 * @example
 * ```ts
 * import { routeEventTopic } from '@gracedb-kafka/topics'
 *
 * routeEventTopic('gracedb-test', 'CBC', 'gstlal')    // => 'gracedb-test.gstlal'
 * routeEventTopic('gracedb-test', 'Burst', 'CWB')     // => 'gracedb-test.cwb'
 * routeEventTopic('gracedb-test', 'Test', 'gstlal')   // => 'gracedb-test.test'
 * ```
 */
export function routeEventTopic(instance: string, group: string, pipeline: string): string {
  return makeTopicName(instance, route('routeEventTopic', group, pipeline))
}

/**
 * The un-namespaced part of {@link routeEventTopic}: `"test"` for the Test group (any case), otherwise the
 * pipeline lowercased. This is what `createEvent` passes to a producer, which prepends its instance name.
 *
 * @example
 * ```ts
 * routeEventPipeline('Test', 'gstlal') // => 'test'
 * routeEventPipeline('CBC', 'MBTA')    // => 'mbta'
 * ```
 * @throws {@link TopicNameError} when group or pipeline is not a string.
 */
export function routeEventPipeline(group: string, pipeline: string): string {
  return route('routeEventPipeline', group, pipeline)
}

/** The routing rule; `caller` is the public function the user called, so error messages name it. */
function route(caller: string, group: string, pipeline: string): string {
  const groupType = typeProblem('group', group)
  if (groupType) throw new TopicNameError(`${caller}: ${groupType}`, describeInput(group))
  if (group.toLowerCase() === 'test') return 'test'
  const pipelineType = typeProblem('pipeline', pipeline)
  if (pipelineType) throw new TopicNameError(`${caller}: ${pipelineType}`, describeInput(pipeline))
  return pipeline.toLowerCase()
}
