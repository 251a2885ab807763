import { deriveInstanceName, makeTopicName, parseTopicName } from '@gracedb-kafka/topics'
import type { Output } from '../output.js'

/**
 * `gracedb-kafka topic derive URL`: the instance name of a GraceDB service URL.
 *
 * @example
 * ```ts
 * topicDerive(out, 'https://gracedb-dev.ligo.org/api/') // prints gracedb-dev
 * ```
 */
export function topicDerive(out: Output, serviceUrl: string): void {
  const instance = deriveInstanceName(serviceUrl)
  out.data({ instance }, (v) => v.instance)
}

/**
 * `gracedb-kafka topic make INSTANCE PIPELINE`: the namespaced topic name.
 *
 * @example
 * ```ts
 * topicMake(out, 'gracedb-dev', 'gstlal') // prints gracedb-dev.gstlal
 * ```
 */
export function topicMake(out: Output, instance: string, pipeline: string): void {
  const topic = makeTopicName(instance, pipeline)
  out.data({ topic }, (v) => v.topic)
}

/**
 * `gracedb-kafka topic parse TOPIC`: split a namespaced topic into instance and pipeline.
 *
 * @example
 * ```ts
 * topicParse(out, 'gracedb-dev.gstlal') // prints "gracedb-dev gstlal"
 * ```
 */
export function topicParse(out: Output, topic: string): void {
  const [instance, pipeline] = parseTopicName(topic)
  out.data({ instance, pipeline }, (v) => `${v.instance} ${v.pipeline}`)
}
