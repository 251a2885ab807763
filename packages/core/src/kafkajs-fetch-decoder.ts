import type { LookupCodec } from './fetch-record-batch.js'
import { decodeFetchV11 } from './fetch-v11-response.js'
import { kafkajsModule } from './kafkajs-class.js'

/** What the fix reads and replaces of kafkajs 2.2.4's `protocol/requests/fetch/v11/response.js`. */
interface FetchV11Module {
  decode: (raw: Buffer) => Promise<unknown>
  parse: unknown
  [key: symbol]: unknown
}

const FIXED: unique symbol = Symbol.for('@gracedb-kafka/fetch-v11-decoder') as never
/** kafkajs's own decode, kept on the module under this key (benchmarks and tests compare against it). */
const ORIGINAL: unique symbol = Symbol.for('@gracedb-kafka/fetch-v11-decoder.original') as never

/**
 * Replace kafkajs's Fetch v11 response decoder (the version kafkajs 2.2.4 negotiates with Kafka 2.3 and later,
 * Kafka 4 among them) with a lean one that returns exactly the same value: same fields and types (offsets and
 * timestamps as decimal strings, key, value and header values as Buffers, `batchContext` ...), so kafkajs's
 * consumer and ours read it unchanged. kafkajs decodes each record through a new `Decoder`, `Long` (BigInt)
 * objects for every offset and timestamp, a Buffer slice per field and a header object rebuilt per header; the
 * lean decoder makes one pass with plain reads and Number arithmetic, which takes most of the client's
 * per-message CPU out of the consumer's main thread. Compressed batches still go through kafkajs's codec lookup
 * (so the registered zstd, lz4 and snappy codecs apply) and are decompressed asynchronously. Old magic 0/1
 * message sets and anything it does not decode as kafkajs would are handed, as a whole response, to kafkajs's
 * own decoder. `parse` and the other Fetch versions are left alone.
 *
 * Applied once per process (later calls and other copies do nothing). Pass a URL or path to resolve `kafkajs`
 * from (a package that depends on kafkajs passes its own `import.meta.url`, so core itself needs no kafkajs
 * dependency). Returns whether the decoder is (now) replaced; `false` when kafkajs cannot be found or is not
 * 2.2.x, in which case nothing is changed.
 *
 * @example
 * ```ts
 * fixFetchDecoding(import.meta.url) // in a module that depends on kafkajs
 * ```
 */
export function fixFetchDecoding(from: string | URL): boolean {
  const pkg = kafkajsModule(from, 'kafkajs/package.json') as { version?: unknown } | undefined
  if (typeof pkg?.version !== 'string' || !pkg.version.startsWith('2.2.')) return false
  const response = kafkajsModule(from, 'kafkajs/src/protocol/requests/fetch/v11/response.js') as
    | Partial<FetchV11Module>
    | undefined
  const compression = kafkajsModule(from, 'kafkajs/src/protocol/message/compression/index.js') as
    | { lookupCodecByAttributes?: unknown }
    | undefined
  if (typeof response?.decode !== 'function' || typeof response.parse !== 'function') return false
  const lookupCodec = compression?.lookupCodecByAttributes
  if (typeof lookupCodec !== 'function') return false
  if (response[FIXED] !== true) {
    response[ORIGINAL] = response.decode
    response.decode = leanDecode(response as FetchV11Module, lookupCodec as LookupCodec)
    response[FIXED] = true
  }
  return true
}

/**
 * The lean decode, handing the response to kafkajs's own decode (kept on the module under `ORIGINAL`) whenever
 * it cannot decode it as kafkajs would.
 */
function leanDecode(module: FetchV11Module, lookupCodec: LookupCodec): (raw: Buffer) => Promise<unknown> {
  return async (raw) => {
    try {
      return await decodeFetchV11(raw, lookupCodec)
    } catch {
      return (module[ORIGINAL] as FetchV11Module['decode'])(raw)
    }
  }
}
