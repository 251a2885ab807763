import { InvalidOptionError } from '../errors.js'
import { lz4Codec } from './lz4.js'
import { snappyCodec } from './snappy.js'
import {
  COMPRESSION_NAMES,
  type CompressionCodec,
  type CompressionCodecTable,
  type CompressionName,
  type CompressionTypesLike,
} from './types.js'
import { zstdCodec } from './zstd.js'

const OURS = new Set<unknown>([zstdCodec, lz4Codec, snappyCodec])

/** Put `factory` at `type` unless a working codec (a user's own, or ours) is already there. */
function install(codecs: CompressionCodecTable, type: number, factory: () => CompressionCodec): void {
  const existing = codecs[type]
  if (existing === factory || OURS.has(existing)) return
  if (typeof existing === 'function') {
    try {
      existing()
      return // a working codec the user installed: keep it
    } catch {
      // kafkajs's "not implemented" placeholder: replace it
    }
  }
  codecs[type] = factory
}

/**
 * Register working zstd, LZ4 and snappy codecs (compress and decompress) in kafkajs's codec table, in place of
 * kafkajs's placeholders (factories that throw "... compression not implemented"); gzip is kafkajs's own. A
 * working codec already there (one the user installed) wins. Takes kafkajs's `CompressionCodecs` and
 * `CompressionTypes` so that core needs no kafkajs dependency. Idempotent. The codec libraries are loaded on
 * first use, so registering costs nothing until a compressed batch is seen.
 *
 * @example
 * ```ts
 * import kafkajs from 'kafkajs' // CompressionCodecs is not a named ESM export of the CommonJS package
 * registerCodecs(kafkajs.CompressionCodecs, kafkajs.CompressionTypes)
 * ```
 */
export function registerCodecs(codecs: CompressionCodecTable, types: CompressionTypesLike): void {
  install(codecs, types.ZSTD, zstdCodec)
  install(codecs, types.LZ4, lz4Codec)
  install(codecs, types.Snappy, snappyCodec)
}

/**
 * Register the zstd codec only.
 *
 * @deprecated Use {@link registerCodecs}, which also registers LZ4 and snappy.
 * @example
 * ```ts
 * import kafkajs from 'kafkajs'
 * registerZstdCodec(kafkajs.CompressionCodecs, kafkajs.CompressionTypes)
 * ```
 */
export function registerZstdCodec(codecs: CompressionCodecTable, types: { ZSTD: number }): void {
  install(codecs, types.ZSTD, zstdCodec)
}

/**
 * kafkajs's `CompressionTypes` value for a compression name (the librdkafka `compression.type` values).
 * Throws {@link InvalidOptionError} (option `compression`) for anything else.
 *
 * @example
 * ```ts
 * import { CompressionTypes } from 'kafkajs'
 * await producer.send({ topic, messages, compression: compressionType('zstd', CompressionTypes) })
 * ```
 */
export function compressionType(name: CompressionName, types: CompressionTypesLike): number {
  switch (name) {
    case 'zstd':
      return types.ZSTD
    case 'gzip':
      return types.GZIP
    case 'lz4':
      return types.LZ4
    case 'snappy':
      return types.Snappy
    case 'none':
      return types.None
    default:
      throw new InvalidOptionError(
        'compression',
        `compression must be one of ${COMPRESSION_NAMES.join(', ')}; got ${JSON.stringify(String(name)).slice(0, 40)}`,
      )
  }
}
