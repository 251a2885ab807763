import { InvalidOptionError } from '@gracedb-kafka/core'
import { deriveInstanceName, makeTopicName, TopicNameError } from '@gracedb-kafka/topics'

/**
 * The instance name (given, or derived from `serviceUrl`) of a consumer, validated as the producer validates it:
 * a bad one is an {@link InvalidOptionError} naming the option (`instanceName` or `serviceUrl`).
 *
 * @example
 * ```ts
 * resolveInstanceName({ serviceUrl: 'https://gracedb-dev.ligo.org/api/' }) // 'gracedb-dev'
 * ```
 */
export function resolveInstanceName(opts: {
  instanceName?: string | undefined
  serviceUrl?: string | undefined
}): string {
  const option = opts.instanceName === undefined ? 'serviceUrl' : 'instanceName'
  try {
    const instanceName = opts.instanceName ?? deriveInstanceName(opts.serviceUrl as string)
    makeTopicName(instanceName, 'test') // validates the instance name as part of a topic name
    return instanceName
  } catch (err) {
    if (!(err instanceof TopicNameError)) throw err
    throw new InvalidOptionError(option, `GraceDbKafkaConsumer: option "${option}": ${err.message}`)
  }
}

/**
 * Namespace pipeline names with the instance name (`"gstlal"` → `"gracedb-dev.gstlal"`); a name that cannot be
 * part of a topic is an {@link InvalidOptionError} naming `option`.
 *
 * @example
 * ```ts
 * namespacedTopics('gracedb-dev', ['gstlal'], 'topics') // ['gracedb-dev.gstlal']
 * ```
 */
export function namespacedTopics(
  instanceName: string,
  pipelines: readonly string[],
  option: string,
): string[] {
  return pipelines.map((pipeline, i) => {
    try {
      return makeTopicName(instanceName, pipeline)
    } catch (err) {
      if (!(err instanceof TopicNameError)) throw err
      const at = pipelines.length > 1 ? `${option}.${i}` : option
      throw new InvalidOptionError(at, `GraceDbKafkaConsumer: option "${at}": ${err.message}`)
    }
  })
}
