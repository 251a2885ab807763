import type { DeliveryCallback } from './delivery-ledger.js'
import type { ProduceHeaders } from './serialize.js'

/** Per-message options of {@link GraceDbKafkaProducer.produce}. */
export interface ProduceOptions {
  /** Pipeline name, namespaced with the instance; defaults to the producer's `topic`. */
  topic?: string | undefined
  /** Message key (a string is sent as UTF-8). Keyed messages go to `crc32(key) % partitions`, as librdkafka does. */
  key?: string | Uint8Array | undefined
  headers?: ProduceHeaders | undefined
  /** An explicit partition. */
  partition?: number | undefined
  /** Called once with the outcome: `(null, report)` or `(error, null)`. */
  onDelivery?: DeliveryCallback | undefined
}

/** Options of {@link GraceDbKafkaProducer.ping}. */
export interface PingOptions {
  /** Pipeline name to ping; defaults to the producer's topic, else `"test"` (i.e. `<instance>.test`). */
  topic?: string | undefined
  /** Seconds to wait for the broker's acknowledgement (default 10). */
  timeout?: number | undefined
}

/** What {@link GraceDbKafkaProducer.ping} returns. */
export interface PingResult {
  topic: string
  partition: number
  offset: number
  /** The payload that was sent. */
  message: Record<string, unknown>
}

/** Options of {@link GraceDbKafkaProducer.flush} in object form. */
export interface FlushOptions {
  /** Seconds to wait: `-1` (default) until done, `0` only checks. */
  timeout?: number | undefined
  /**
   * Throw instead of returning a count when messages are still pending at the deadline, or a delivery failed
   * since the last flush (seen or not): `KafkaConnectionError`, `KafkaTopicError` or
   * `KafkaMessageDeliveryError`, with the cause and a hint (ligo-gracedb's `flush(strict=True)`).
   */
  strict?: boolean | undefined
}
