import { InvalidOptionError } from '@gracedb-kafka/core'
import { ByteSlab } from './byte-slab.js'
import { pythonJsonBytes } from './python-json.js'

/** Message values share slabs (see {@link ByteSlab}) instead of one small buffer each. */
const slab = new ByteSlab()
const copyToSlab = (bytes: Uint8Array): Buffer => slab.copy(bytes)

/** A message value `produce()` accepts: an object (sent as JSON), a string (UTF-8) or bytes (as-is). */
export type ProduceValue = object | string | Uint8Array

/** Message headers: names to UTF-8 strings or raw bytes. */
export type ProduceHeaders = Record<string, string | Uint8Array>

function copyBytes(bytes: Uint8Array): Buffer {
  // A copy, so that a caller reusing its buffer after produce() cannot change a queued message.
  return Buffer.from(bytes)
}

/**
 * Encode a message value the way ligo-gracedb does: a plain object or array becomes JSON (Python
 * `json.dumps` formatting, see {@link pythonJsonBytes}) in UTF-8, a string is UTF-8, and a `Uint8Array` or
 * `Buffer` is sent as-is (copied). Anything else is an {@link InvalidOptionError} naming `value` (Python's
 * `TypeError`).
 *
 * @example
 * ```ts
 * encodeValue({ graceid: 'G1' }).toString() // '{"graceid": "G1"}'
 * encodeValue('hello').length // 5
 * ```
 */
export function encodeValue(value: unknown): Buffer {
  if (typeof value === 'string') return slab.utf8(value)
  if (value instanceof Uint8Array) return copyBytes(value)
  if (value === null || typeof value !== 'object') {
    throw new InvalidOptionError(
      'value',
      `produce(): option "value": expected an object, a string or a Uint8Array, got ${value === null ? 'null' : typeof value}`,
    )
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    throw new InvalidOptionError(
      'value',
      'produce(): option "value": binary data must be a Uint8Array or Buffer (wrap it: new Uint8Array(buffer))',
    )
  }
  try {
    // Written as bytes and copied into the slab: Python's json.dumps escapes every non-ASCII character.
    return pythonJsonBytes(value, copyToSlab)
  } catch (err) {
    throw new InvalidOptionError(
      'value',
      `produce(): option "value": cannot serialise to JSON: ${(err as Error).message}`,
    )
  }
}

/**
 * Encode a message key: a string as UTF-8, bytes as-is (copied), `undefined`/`null` as no key.
 *
 * @example
 * ```ts
 * encodeKey('G12345')?.toString() // 'G12345'
 * encodeKey(undefined) // null
 * ```
 */
export function encodeKey(key: unknown): Buffer | null {
  if (key === undefined || key === null) return null
  if (typeof key === 'string') return Buffer.from(key, 'utf8')
  if (key instanceof Uint8Array) return copyBytes(key)
  throw new InvalidOptionError(
    'key',
    `produce(): option "key": expected a string or a Uint8Array, got ${typeof key}`,
  )
}

/**
 * Encode message headers: each value a string (UTF-8) or bytes (copied). Returns `undefined` for none.
 *
 * @example
 * ```ts
 * encodeHeaders({ source: 'gstlal' }) // { source: <Buffer 67 73 74 6c 61 6c> }
 * ```
 */
export function encodeHeaders(headers: unknown): Record<string, Buffer> | undefined {
  if (headers === undefined || headers === null) return undefined
  if (typeof headers !== 'object' || Array.isArray(headers) || headers instanceof Uint8Array) {
    throw new InvalidOptionError(
      'headers',
      'produce(): option "headers": expected an object of header names to strings or Uint8Arrays',
    )
  }
  const out: Record<string, Buffer> = {}
  for (const [name, v] of Object.entries(headers)) {
    if (typeof v === 'string') out[name] = Buffer.from(v, 'utf8')
    else if (v instanceof Uint8Array) out[name] = copyBytes(v)
    else {
      throw new InvalidOptionError(
        `headers.${name}`,
        `produce(): option "headers.${name}": expected a string or a Uint8Array, got ${v === null ? 'null' : typeof v}`,
      )
    }
  }
  return out
}

/**
 * Validate an explicit partition: a non-negative integer, or `undefined` to let the partitioner choose.
 *
 * @example
 * ```ts
 * checkPartition(0) // 0
 * checkPartition(undefined) // undefined
 * ```
 */
export function checkPartition(partition: unknown): number | undefined {
  if (partition === undefined || partition === null) return undefined
  if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0) {
    throw new InvalidOptionError('partition', 'produce(): option "partition": expected an integer >= 0')
  }
  return partition
}

/**
 * Bytes a record adds to a produce request, estimated (value, key, headers and about 16 bytes of framing).
 * Used to keep a batch under the broker's size limit.
 *
 * @example
 * ```ts
 * recordSize(Buffer.alloc(1024), null, undefined) // 1040
 * ```
 */
export function recordSize(
  value: Buffer,
  key: Buffer | null,
  headers: Record<string, Buffer> | undefined,
): number {
  let size = 16 + value.length + (key ? key.length : 0)
  if (headers) for (const [k, v] of Object.entries(headers)) size += 4 + Buffer.byteLength(k) + v.length
  return size
}
