import { InvalidOptionError } from '@gracedb-kafka/core'
import { deriveInstanceName, makeTopicName, TopicNameError } from '@gracedb-kafka/topics'
import type { ProducerOptions } from './options.js'

/**
 * The instance name (given, or derived from `serviceUrl`) and the namespaced default topic of a producer,
 * validated: a bad one is an {@link InvalidOptionError} naming the option.
 *
 * @example
 * ```ts
 * resolveNames(parseProducerOptions({ bootstrapServers, serviceUrl: 'https://gracedb-dev.ligo.org/api/', topic: 'test' }))
 * // { instanceName: 'gracedb-dev', defaultTopic: 'gracedb-dev.test' }
 * ```
 */
export function resolveNames(opts: Pick<ProducerOptions, 'instanceName' | 'serviceUrl' | 'topic'>): {
  instanceName: string
  defaultTopic: string | undefined
} {
  let instanceName: string
  try {
    instanceName = opts.instanceName ?? deriveInstanceName(opts.serviceUrl!)
  } catch (err) {
    const option = opts.instanceName === undefined ? 'serviceUrl' : 'instanceName'
    throw new InvalidOptionError(
      option,
      `GraceDbKafkaProducer: option "${option}": ${(err as Error).message}`,
    )
  }
  try {
    makeTopicName(instanceName, 'test') // validates the instance name even without a default topic
    const defaultTopic = opts.topic === undefined ? undefined : makeTopicName(instanceName, opts.topic)
    return { instanceName, defaultTopic }
  } catch (err) {
    if (!(err instanceof TopicNameError)) throw err
    const option = err.input === opts.topic ? 'topic' : 'instanceName'
    throw new InvalidOptionError(option, `GraceDbKafkaProducer: option "${option}": ${err.message}`)
  }
}
