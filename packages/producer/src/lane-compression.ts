import { type CompressionCodec, compressionType, levelledCodec, registerCodecs } from '@gracedb-kafka/core'
import kafkajs, { type CompressionTypes } from 'kafkajs'
import type { ProducerTuning } from './options.js'

/** How a producer's batches are compressed, settled once when the producer is made. */
export interface LaneCompression {
  /** kafkajs's number for `compression.type` (the record batch's codec bits). */
  readonly type: CompressionTypes
  /**
   * The codec at `compression.level` (core's zstd or gzip), when a level was given; otherwise the codec in
   * kafkajs's table compresses (registered by core, at its default level).
   */
  readonly codec?: CompressionCodec | undefined
}

/**
 * Register core's codecs with kafkajs and settle the producer's compression from its tuning.
 *
 * @example
 * ```ts
 * laneCompression({ compression: 'zstd', compressionLevel: 3 }) // { type: 4, codec: <zstd at level 3> }
 * ```
 */
export function laneCompression(
  tuning: Pick<ProducerTuning, 'compression' | 'compressionLevel'>,
): LaneCompression {
  registerCodecs(kafkajs.CompressionCodecs, kafkajs.CompressionTypes)
  const type = compressionType(tuning.compression, kafkajs.CompressionTypes)
  const level = tuning.compressionLevel
  return { type, codec: level === undefined ? undefined : levelledCodec(tuning.compression, level) }
}
