import type { Readable } from 'node:stream'
import * as zlib from 'node:zlib'

const utf8 = new TextDecoder()
/** Statuses whose reply has no body for `fetch` (nothing is decoded). */
export const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304])
/** The most content-codings `fetch` accepts on one reply (undici's limit). */
const MAX_CODINGS = 5
const zstdDecompressSync = (zlib as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync
const [undiciMajor = 0, undiciMinor = 0] = (process.versions.undici ?? '').split('.').map(Number)
/** Node's `fetch` decodes zstd replies from undici 7.10 on (Node 24), when `node:zlib` has zstd; Node 20's does not. */
const FETCH_DECODES_ZSTD =
  zstdDecompressSync !== undefined && (undiciMajor > 7 || (undiciMajor === 7 && undiciMinor >= 10))

/**
 * The content-codings of a reply, last applied first, as `fetch` (undici) reads them; `[]` when the body is to be
 * left as is (no coding, or one `fetch` does not decode). Throws on more than five codings, as `fetch` does.
 *
 * @example
 * ```ts
 * codingsOf('deflate, gzip') // ['gzip', 'deflate']
 * codingsOf('compress') // []
 * ```
 */
export function codingsOf(contentEncoding: string | null): string[] {
  if (!contentEncoding) return []
  const codings = contentEncoding.toLowerCase().split(',')
  if (codings.length > MAX_CODINGS) {
    throw new Error(
      `too many content-encodings in response: ${codings.length}, maximum allowed is ${MAX_CODINGS}`,
    )
  }
  const steps: string[] = []
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i]!.trim()
    const known = coding === 'gzip' || coding === 'x-gzip' || coding === 'deflate' || coding === 'br'
    if (!known && !(coding === 'zstd' && FETCH_DECODES_ZSTD)) return []
    steps.push(coding)
  }
  return steps
}

/**
 * Read the whole of `body` and give it back as `Response#text()` would: decoded per `codings` (see
 * {@link codingsOf}) as leniently as the runtime's `fetch` (zlib's sync flush, so a gzip stream missing its trailer
 * still decodes), then UTF-8 with a leading BOM dropped and bad sequences replaced. A body cut short, or one that
 * does not decode, rejects with `TypeError('terminated')` whose cause is the socket's or zlib's error (as `fetch`);
 * an abort rejects with the signal's reason.
 *
 * @example
 * ```ts
 * const text = await readText(reply.body, ['gzip'], signal)
 * ```
 */
export function readText(body: Readable, codings: readonly string[], signal: AbortSignal): Promise<string> {
  const reading = new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = []
    body.on('data', (chunk: Buffer) => chunks.push(chunk))
    body.on('error', (err) => {
      reject(signal.aborted ? signal.reason : new TypeError('terminated', { cause: err }))
    })
    body.on('end', () => {
      try {
        const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
        resolve(utf8.decode(decode(bytes, codings)))
      } catch (err) {
        reject(new TypeError('terminated', { cause: err }))
      }
    })
  })
  reading.catch(() => undefined) // a body nobody reads may fail unobserved
  return reading
}

const lenient = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }
const brotliLenient = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
}

function decode(bytes: Buffer, codings: readonly string[]): Buffer {
  let out = bytes
  for (const coding of codings) {
    if (coding === 'br') out = zlib.brotliDecompressSync(out, brotliLenient)
    else if (coding === 'zstd') out = zstdDecompressSync!(out)
    else if (coding === 'deflate') {
      // zlib-wrapped or raw deflate, told apart by the first byte, as undici's InflateStream does.
      out =
        out.length > 0 && (out[0]! & 0x0f) === 0x08
          ? zlib.inflateSync(out, lenient)
          : zlib.inflateRawSync(out, lenient)
    } else out = zlib.gunzipSync(out, lenient)
  }
  return out
}

/**
 * A reply's raw header list as the `Headers` `fetch` gives: names lower-cased, values read as Latin-1, repeats
 * appended (a value `Headers` refuses is left out: undici keeps it unchecked, but nothing read here can hold one).
 *
 * @example
 * ```ts
 * headersOf([Buffer.from('Content-Type'), Buffer.from('application/json')]).get('content-type')
 * ```
 */
export function headersOf(raw: readonly (Buffer | string)[]): Headers {
  const headers = new Headers()
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!
    const value = raw[i + 1]!
    try {
      headers.append(
        typeof name === 'string' ? name : name.toString('latin1'),
        typeof value === 'string' ? value : value.toString('latin1'),
      )
    } catch {
      // left out (see above)
    }
  }
  return headers
}
