import { decompress } from 'fzstd'
import { KafkaError } from './errors.js'

/** The shape of a kafkajs compression codec (`{ compress(encoder), decompress(buffer) }`). */
export interface CompressionCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>
  decompress(buffer: Buffer): Promise<Buffer>
}

/**
 * A kafkajs codec for zstd-compressed record batches, decompression only (pure JavaScript, via fzstd).
 *
 * ligo-gracedb's producer sets `compression.type=zstd`, and librdkafka compresses a batch whenever that makes
 * it smaller (event files, multi-message batches). kafkajs ships no zstd codec, so without this a kafkajs
 * consumer fails on such a batch with "ZSTD compression not implemented". Compressing with zstd is not
 * offered: gracedb-kafka producers send uncompressed batches, which every Kafka client reads.
 *
 * @example
 * ```ts
 * import { CompressionCodecs, CompressionTypes } from 'kafkajs'
 * CompressionCodecs[CompressionTypes.ZSTD] = zstdCodec
 * ```
 */
export function zstdCodec(): CompressionCodec {
  return {
    async compress(): Promise<Buffer> {
      throw new KafkaError('zstd compression is not supported for producing; use gzip or no compression', {
        code: 'ERR_KAFKA_ZSTD_COMPRESSION_UNSUPPORTED',
      })
    },
    async decompress(buffer: Buffer): Promise<Buffer> {
      const out = decompress(buffer)
      return Buffer.from(out.buffer, out.byteOffset, out.byteLength)
    },
  }
}

/**
 * Register {@link zstdCodec} in kafkajs's codec table in place of kafkajs's placeholder (a factory that throws
 * "ZSTD compression not implemented"). A working codec already there (a user's own, e.g. a native one) wins.
 * Takes kafkajs's `CompressionCodecs` and `CompressionTypes` so that this package needs no kafkajs dependency.
 * Idempotent.
 *
 * @example
 * ```ts
 * import { CompressionCodecs, CompressionTypes } from 'kafkajs'
 * registerZstdCodec(CompressionCodecs, CompressionTypes)
 * ```
 */
export function registerZstdCodec(codecs: Record<number, unknown>, types: { ZSTD: number }): void {
  const existing = codecs[types.ZSTD]
  if (existing === zstdCodec) return
  if (typeof existing === 'function') {
    try {
      existing()
      return // a working codec: keep it
    } catch {
      // kafkajs's placeholder: replace it
    }
  }
  codecs[types.ZSTD] = zstdCodec
}
