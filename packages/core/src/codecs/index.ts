export { lz4Codec } from './lz4.js'
export { compressionType, registerCodecs, registerZstdCodec } from './register.js'
export { snappyCodec } from './snappy.js'
export {
  COMPRESSION_NAMES,
  type CompressionCodec,
  type CompressionCodecTable,
  type CompressionName,
  type CompressionTypesLike,
  MAX_DECOMPRESSED_BYTES,
} from './types.js'
export { zstdCodec } from './zstd.js'
