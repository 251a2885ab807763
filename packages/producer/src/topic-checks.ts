import {
  errorChain,
  KafkaAuthenticationError,
  KafkaConnectionError,
  KafkaTopicError,
} from '@gracedb-kafka/core'
import type { ProducerConnection } from './connection.js'
import type { TopicMetadata } from './topic-metadata.js'

/** What the checks need to know about the producer. */
export interface TopicCheckContext {
  instanceName: string
  /** The namespaced default topic, if any. */
  defaultTopic: string | undefined
  /** The bootstrap servers, for messages. */
  brokers: string
  /** Maps a kafkajs error (a token failure recorded meanwhile wins). */
  mapError: (err: unknown) => Error
}

const SKIP = 'Pass checkForTopics: false to skip this check.'

/**
 * Explain the broker's error for one topic in terms of what the user can fix (ligo-gracedb's
 * `_topic_error_message`), as a {@link KafkaTopicError}.
 *
 * @example
 * ```ts
 * const err = await metadata.topicError('gracedb-dev.test')
 * if (err) throw topicProblem('gracedb-dev.test', err, 'kafka.ligo.org:9092')
 * ```
 */
export function topicProblem(topic: string, err: unknown, brokers: string, suffix = ''): KafkaTopicError {
  const types = errorChain(err).map((e) => e.type)
  const tail = suffix ? ` ${suffix}` : ''
  if (types.includes('TOPIC_AUTHORIZATION_FAILED')) {
    return new KafkaTopicError(
      `Your SciToken is not authorized for topic '${topic}' on Kafka broker ${brokers}. Check the token's ` +
        `scope and your GraceDB pipeline permissions.${tail}`,
      { code: 'ERR_KAFKA_TOPIC_AUTHORIZATION', topic, cause: err },
    )
  }
  return new KafkaTopicError(
    `Topic '${topic}' does not exist on Kafka broker ${brokers} (automatic topic creation is disabled). ` +
      `Topics are named '<instance>.<pipeline>'; check instanceName/serviceUrl and the pipeline name.${tail}`,
    { code: 'ERR_KAFKA_TOPIC', topic, cause: err },
  )
}

/**
 * `checkForTopics` (ligo-gracedb's `_check_for_topics`): fetch the broker's topic list and refuse when the
 * default topic is missing or not authorised, or, without a default topic, when the broker has no topic for
 * the instance. The error names the instances that do have topics on this broker.
 *
 * @throws {@link KafkaConnectionError} when the topic list cannot be fetched, {@link KafkaAuthenticationError}
 *   when the token is refused meanwhile, {@link KafkaTopicError} for a missing or unauthorised topic.
 * @example
 * ```ts
 * await checkForTopics(connection.metadata, { instanceName: 'gracedb-dev', defaultTopic: undefined, brokers, mapError })
 * ```
 */
export async function checkForTopics(metadata: TopicMetadata, ctx: TopicCheckContext): Promise<void> {
  let available: string[]
  try {
    available = (await metadata.topicNames()).sort()
  } catch (err) {
    const mapped = ctx.mapError(err)
    if (mapped instanceof KafkaAuthenticationError) throw mapped
    throw new KafkaConnectionError(
      `Could not fetch the topic list from Kafka broker ${ctx.brokers}: ${mapped.message}. ${SKIP}`,
      { cause: err },
    )
  }
  const prefix = `${ctx.instanceName}.`
  const instanceTopics = available.filter((t) => t.startsWith(prefix))
  const others = [
    ...new Set(available.filter((t) => t.includes('.')).map((t) => t.split('.', 1)[0]!)),
  ].filter((i) => i !== ctx.instanceName && !i.startsWith('_'))
  const hint =
    others.length > 0
      ? `Instances with topics on this broker: ${others.sort().join(', ')}.`
      : 'No instance-namespaced topics are visible on this broker.'
  if (ctx.defaultTopic !== undefined) {
    let err: unknown
    try {
      err = await metadata.topicError(ctx.defaultTopic)
    } catch (cause) {
      const mapped = ctx.mapError(cause)
      if (mapped instanceof KafkaAuthenticationError) throw mapped
      throw new KafkaConnectionError(
        `Could not fetch the metadata of ${ctx.defaultTopic} from Kafka broker ${ctx.brokers}: ${mapped.message}. ${SKIP}`,
        { cause },
      )
    }
    if (err !== undefined) throw topicProblem(ctx.defaultTopic, err, ctx.brokers, `${hint} ${SKIP}`)
  } else if (instanceTopics.length === 0) {
    throw new KafkaTopicError(
      `No topics found for GraceDB instance '${ctx.instanceName}' on Kafka broker ${ctx.brokers}. ${hint} ` +
        `Check instanceName/serviceUrl, or ${SKIP.charAt(0).toLowerCase()}${SKIP.slice(1)}`,
      { code: 'ERR_KAFKA_TOPIC' },
    )
  }
}

/**
 * What the producer awaits before sending (`connect()`, the first batch, `ping()`): the connection, then —
 * once, with `checkForTopics` — {@link checkForTopics}. A failed check is run again next time.
 *
 * @example
 * ```ts
 * const gate = new StartupGate(connection, true, { instanceName, defaultTopic, brokers })
 * await gate.ready()
 * ```
 */
export class StartupGate {
  readonly #conn: ProducerConnection
  readonly #ctx: Omit<TopicCheckContext, 'mapError'>
  #checked: boolean
  #checking: Promise<void> | undefined

  constructor(conn: ProducerConnection, check: boolean, ctx: Omit<TopicCheckContext, 'mapError'>) {
    this.#conn = conn
    this.#ctx = ctx
    this.#checked = !check
  }

  /** {@link StartupGate.ready}, then ask the broker about `topic`: a missing or forbidden one throws. */
  async checkTopic(topic: string): Promise<void> {
    await this.ready()
    const since = Date.now()
    const problem = await this.#conn.metadata.topicError(topic).catch((err: unknown) => {
      throw this.#conn.mapError(err, since, topic)
    })
    if (problem !== undefined) throw topicProblem(topic, problem, this.#ctx.brokers)
  }

  /** Connect, and check the topics unless that already passed. */
  ready(): Promise<void> {
    if (this.#checked) return this.#conn.ensureConnected()
    this.#checking ??= (async () => {
      await this.#conn.ensureConnected().catch((err: unknown) => {
        throw unreachable(err, this.#ctx.brokers)
      })
      const since = Date.now()
      await checkForTopics(this.#conn.metadata, {
        ...this.#ctx,
        mapError: (err) => this.#conn.mapError(err, since),
      })
      this.#checked = true
    })().finally(() => {
      this.#checking = undefined
    })
    return this.#checking
  }
}

/**
 * The reference fetches the topic list as its first contact with the broker, so a broker that cannot be reached
 * is reported as "Could not fetch the topic list" (with how to skip the check). A connection failure keeps its
 * code (e.g. `ERR_KAFKA_TLS`) and becomes the cause; token and authentication errors pass through unchanged.
 */
function unreachable(err: unknown, brokers: string): unknown {
  if (!(err instanceof KafkaConnectionError)) return err
  return new KafkaConnectionError(
    `Could not fetch the topic list from Kafka broker ${brokers}: ${err.message.replace(/\.$/, '')}. ${SKIP}`,
    { code: err.code, cause: err },
  )
}
