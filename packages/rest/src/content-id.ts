import { createHash } from 'node:crypto'

/**
 * The content-based identifier GraceDB records for an event file: the first 16 bytes of the SHA-256 of the raw
 * bytes, formatted as a lowercase UUID string. The same bytes always give the same id.
 *
 * @example
 * ```ts
 * contentId(new TextEncoder().encode('hello')) // '2cf24dba-5fb0-a30e-26e8-3b2ac5b9e29e'
 * ```
 */
export function contentId(bytes: Uint8Array): string {
  const hex = createHash('sha256').update(bytes).digest('hex').slice(0, 32)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}
