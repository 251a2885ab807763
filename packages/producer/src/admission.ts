import {
  closestOption,
  InvalidOptionError,
  KafkaMessageDeliveryError,
  KafkaProducerError,
  redactTokens,
  secondsToMs,
} from '@gracedb-kafka/core'
import type { ProduceOptions } from './api-types.js'
import type { DeliveryLedger, Pending } from './delivery-ledger.js'
import type { ProducerTuning } from './options.js'
import { checkPartition, encodeHeaders, encodeKey, recordSize } from './serialize.js'

/** `produce()`'s options when none are given: one shared object rather than a new `{}` per message. */
export const NO_OPTIONS: ProduceOptions = Object.freeze({})

/**
 * Turn an encoded value and its `produce()` options into a pending message registered with the ledger, after
 * the checks `produce()` makes synchronously: the message fits `message.max.bytes`, and the queue limits
 * (`queue.buffering.max.messages`, `queue.buffering.max.kbytes`) leave room for it.
 *
 * @throws {@link KafkaMessageDeliveryError} `ERR_KAFKA_MESSAGE_TOO_LARGE`, {@link KafkaProducerError}
 *   `ERR_KAFKA_QUEUE_FULL`, `InvalidOptionError` for a bad key, header or partition.
 * @example
 * ```ts
 * const pending = admit('gracedb-dev.test', encodeValue({ a: 1 }), {}, { tuning, ledger, queuedBytes: 0 })
 * ```
 */
export function admit(
  topic: string,
  value: Buffer,
  options: ProduceOptions,
  ctx: { tuning: ProducerTuning; ledger: DeliveryLedger; queuedBytes: number },
): Pending {
  const { tuning, ledger } = ctx
  const key = encodeKey(options.key)
  const headers = encodeHeaders(options.headers)
  const partition = checkPartition(options.partition)
  const size = recordSize(value, key, headers)
  if (size > tuning.messageMaxBytes) {
    throw new KafkaMessageDeliveryError(
      `Message of ${size} bytes for ${topic} is larger than message.max.bytes (${tuning.messageMaxBytes})`,
      { code: 'ERR_KAFKA_MESSAGE_TOO_LARGE', topic, partition },
    )
  }
  if (ledger.pending >= tuning.queueMaxMessages || ctx.queuedBytes + size > tuning.queueMaxBytes) {
    throw new KafkaProducerError(
      `The producer queue is full (${ledger.pending} messages, ${ctx.queuedBytes} bytes queued): await flush() and retry`,
      { code: 'ERR_KAFKA_QUEUE_FULL' },
    )
  }
  const timestamp = Date.now()
  return ledger.create({
    topic,
    size,
    key,
    value,
    headers,
    partition,
    timestamp,
    deadline: timestamp + tuning.deliveryTimeoutMs,
    onDelivery: options.onDelivery,
  })
}

/**
 * Check the shape of `produce()`'s options argument: an object, whose `onDelivery` (if any) is a function.
 *
 * @throws {@link InvalidOptionError}
 * @example
 * ```ts
 * checkProduceOptions({ onDelivery: 'nope' }) // throws InvalidOptionError (onDelivery)
 * ```
 */
export function checkProduceOptions(options: unknown): asserts options is ProduceOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('(options)', 'produce(): expected an options object')
  }
  const { onDelivery } = options as ProduceOptions
  if (onDelivery !== undefined && typeof onDelivery !== 'function') {
    throw new InvalidOptionError('onDelivery', 'produce(): option "onDelivery": expected a function')
  }
}

const PING_KEYS = ['topic', 'timeout'] as const

/**
 * Check `ping()`'s options before anything happens, and return its timeout in seconds (default 10): `null` or a
 * non-object, a mistyped key (named, with the closest known one), a topic that is not a string, or a timeout
 * that is not a valid number of seconds is an {@link InvalidOptionError} naming the key.
 *
 * @throws {@link InvalidOptionError}
 * @example
 * ```ts
 * checkPingOptions({ timout: 5 }) // throws InvalidOptionError (timout; did you mean "timeout"?)
 * ```
 */
export function checkPingOptions(options: unknown): number {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidOptionError('(options)', 'ping(): expected an options object')
  }
  for (const key of Object.keys(options)) {
    if ((PING_KEYS as readonly string[]).includes(key)) continue
    const near = closestOption(key, PING_KEYS)
    const name = redactTokens(key)
    throw new InvalidOptionError(
      name,
      `ping(): unknown option "${name}"${near ? `; did you mean "${near}"?` : ''}`,
    )
  }
  const { topic, timeout = 10 } = options as { topic?: unknown; timeout?: unknown }
  if (topic !== undefined && typeof topic !== 'string') {
    throw new InvalidOptionError('topic', 'ping(): option "topic": expected a string')
  }
  if (typeof timeout !== 'number') {
    throw new InvalidOptionError('timeout', 'ping(): option "timeout": expected a number of seconds')
  }
  secondsToMs(timeout, 'timeout')
  return timeout
}
