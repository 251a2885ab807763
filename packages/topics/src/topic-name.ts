import { describeInput, quote, TopicNameError } from './errors.js'
import { instanceProblem, pipelineProblem, topicProblem, typeProblem } from './kafka-rules.js'

/**
 * Build the instance-namespaced Kafka topic `<instance>.<pipeline>` (ligo-gracedb's `make_topic_name`).
 *
 * Unlike the Python original, which only joins the two strings, the result is checked against Kafka's rules
 * so a bad name fails here with a clear message instead of deep inside the client:
 * - `instance` is non-empty and uses only `a-z A-Z 0-9 _ -` (no `.`: the first dot separates the instance, so
 *   an instance with a dot would not survive {@link parseTopicName});
 * - `pipeline` is non-empty and uses only `a-z A-Z 0-9 . _ -` (it may contain dots);
 * - the whole name is at most 249 characters.
 *
 * Case is kept as given (use {@link routeEventTopic} for the lowercased event routing rule). Note that Kafka
 * maps `.` and `_` to the same metric name, so topics differing only in those characters collide in metrics.
 *
 * @param instance - GraceDB instance name, e.g. `"gracedb-dev"` (see {@link deriveInstanceName}).
 * @param pipeline - pipeline name, e.g. `"gstlal"`.
 * @returns the namespaced topic name.
 * @throws {@link TopicNameError} naming the bad argument and what is wrong with it.
 *
 * @example
 * ```ts
 * import { makeTopicName } from '@gracedb-kafka/topics'
 *
 * makeTopicName('gracedb-dev', 'gstlal') // => 'gracedb-dev.gstlal'
 * makeTopicName('gracedb-test', 'test')  // => 'gracedb-test.test'
 * ```
 */
export function makeTopicName(instance: string, pipeline: string): string {
  const instanceType = typeProblem('instance', instance)
  if (instanceType) throw new TopicNameError(`makeTopicName: ${instanceType}`, describeInput(instance))
  const pipelineType = typeProblem('pipeline', pipeline)
  if (pipelineType) throw new TopicNameError(`makeTopicName: ${pipelineType}`, describeInput(pipeline))
  const badInstance = instanceProblem(instance)
  if (badInstance) {
    throw new TopicNameError(
      `makeTopicName(${quote(instance)}, ${quote(pipeline)}): ${badInstance}`,
      instance,
    )
  }
  const badPipeline = pipelineProblem(pipeline)
  if (badPipeline) {
    throw new TopicNameError(
      `makeTopicName(${quote(instance)}, ${quote(pipeline)}): ${badPipeline}`,
      pipeline,
    )
  }
  const topic = `${instance}.${pipeline}`
  const badTopic = topicProblem(topic)
  if (badTopic) throw new TopicNameError(`makeTopicName: ${badTopic}`, topic)
  return topic
}

/**
 * Split an instance-namespaced topic into `[instance, pipeline]` (ligo-gracedb's `parse_topic_name`).
 *
 * Splits at the FIRST dot, as the Python original does, so the pipeline keeps any further dots:
 * `"gracedb-dev.a.b"` gives `["gracedb-dev", "a.b"]`. A topic without a dot is not namespaced and is
 * rejected. Deliberate differences from Python: the topic must also satisfy Kafka's rules (legal characters,
 * at most 249 characters), and an empty instance (`".gstlal"`) or pipeline (`"gracedb-dev."`) is rejected
 * rather than returned as an empty string.
 *
 * @param topic - a namespaced Kafka topic, e.g. `"gracedb-dev.gstlal"`.
 * @returns the tuple `[instance, pipeline]`.
 * @throws {@link TopicNameError} naming the topic and what is wrong with it.
 *
 * @example
 * ```ts
 * import { parseTopicName } from '@gracedb-kafka/topics'
 *
 * const [instance, pipeline] = parseTopicName('gracedb-dev.gstlal')
 * // instance === 'gracedb-dev', pipeline === 'gstlal'
 * ```
 */
export function parseTopicName(topic: string): [instance: string, pipeline: string] {
  const wrongType = typeProblem('topic', topic)
  if (wrongType) throw new TopicNameError(`parseTopicName: ${wrongType}`, describeInput(topic))
  const fail = (problem: string): never => {
    throw new TopicNameError(`parseTopicName(${quote(topic)}): ${problem}`, topic)
  }
  const dot = topic.indexOf('.')
  if (dot < 0) fail(`topic ${quote(topic)} is not namespaced (expected "<instance>.<pipeline>")`)
  const bad = topicProblem(topic)
  if (bad) fail(bad)
  const instance = topic.slice(0, dot)
  const pipeline = topic.slice(dot + 1)
  if (instance === '') fail(`topic ${quote(topic)} has an empty instance (nothing before the first ".")`)
  if (pipeline === '') fail(`topic ${quote(topic)} has an empty pipeline (nothing after the first ".")`)
  return [instance, pipeline]
}
