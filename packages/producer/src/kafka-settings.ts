import type { ICustomPartitioner, ProducerConfig } from 'kafkajs'
import type { ProducerOptions } from './options.js'

/** How the producer drives kafkajs for its `guaranteedDelivery` setting. */
export interface KafkaProducerSettings {
  /** `acks` of every produce request: `-1` (all in-sync replicas) or `1` (the leader only). */
  acks: -1 | 1
  /** The kafkajs `kafka.producer(...)` configuration. */
  producerConfig: ProducerConfig
}

/**
 * The kafkajs producer settings for parsed options: with `guaranteedDelivery` (the default) `acks=-1` and an
 * idempotent producer (the broker de-duplicates retried requests), without it `acks=1` and no idempotence.
 * `kafkaConfig.producer` is merged last.
 *
 * @example
 * ```ts
 * const { acks, producerConfig } = kafkaProducerSettings(parseProducerOptions({ ...opts, guaranteedDelivery: false }))
 * acks // 1
 * producerConfig.idempotent // false
 * ```
 */
export function kafkaProducerSettings(
  opts: Pick<ProducerOptions, 'guaranteedDelivery' | 'producerConfig'>,
  createPartitioner?: ICustomPartitioner,
): KafkaProducerSettings {
  return {
    acks: opts.guaranteedDelivery ? -1 : 1,
    producerConfig: {
      ...(createPartitioner === undefined ? {} : { createPartitioner }),
      idempotent: opts.guaranteedDelivery,
      allowAutoTopicCreation: true,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
      ...opts.producerConfig,
    },
  }
}
