import { randomBytes } from 'node:crypto'
import { decompress as fzstd } from 'fzstd'
import { describe, expect, it } from 'vitest'
import { nodeZstd } from './node-zstd.js'
import { declaredContentSize, zstdCodec } from './zstd.js'
import {
  INLINE_INFLATE_BYTES,
  INLINE_ZSTD_BYTES,
  inlineZstdCompress,
  inlineZstdDecompress,
} from './zstd-inline.js'

const sync = nodeZstd() !== undefined
/** An upload-sized JSON message: 16 KiB of file as base64, as createEvent sends it. */
const upload = Buffer.from(JSON.stringify({ graceid: 'G1', file: randomBytes(16384).toString('base64') }))

/** Whether `p` settles before the event loop's next turn (so without a thread-pool round trip). */
async function settlesInPlace(p: Promise<unknown>): Promise<boolean> {
  let settled = false
  p.then(
    () => (settled = true),
    () => (settled = true),
  )
  await new Promise((resolve) => setImmediate(resolve))
  return settled
}

/** A zstd frame without a content size in its header (as a streaming compressor writes). */
function unsizedFrame(data: Buffer): Buffer {
  const z = nodeZstd()!
  return z.zstdCompressSync(data, { params: { [z.constants.ZSTD_c_contentSizeFlag as number]: 0 } })
}

describe.runIf(sync)('zstd in place for small batches (Node with a synchronous zstd)', () => {
  it('an upload-sized batch is compressed before the event loop turns, and any zstd decoder reads it', async () => {
    const packing = zstdCodec().compress({ buffer: upload })
    expect(await settlesInPlace(packing)).toBe(true)
    expect(Buffer.from(fzstd(await packing)).equals(upload)).toBe(true)
  })

  it('and its frame is inflated in place too', async () => {
    const frame = await zstdCodec().compress({ buffer: upload })
    const unpacking = zstdCodec().decompress(frame)
    expect(await settlesInPlace(unpacking)).toBe(true)
    expect((await unpacking).equals(upload)).toBe(true)
  })

  it('large batches and high levels are left to the thread pool, and still round-trip', async () => {
    const big = Buffer.concat(Array.from({ length: 6 }, () => upload)) // over 64 KiB
    expect(big.length).toBeGreaterThan(INLINE_ZSTD_BYTES)
    expect(inlineZstdCompress(big, 1)).toBeUndefined()
    expect(inlineZstdCompress(upload, 6)).toBeUndefined()
    expect(inlineZstdCompress(upload, 3)).toBeInstanceOf(Buffer)
    expect(Buffer.from(fzstd(await zstdCodec().compress({ buffer: big }))).equals(big)).toBe(true)
    expect(Buffer.from(fzstd(await zstdCodec(6).compress({ buffer: upload }))).equals(upload)).toBe(true)
  })

  it('a small frame that inflates past the in-place bound is inflated by the thread pool instead, whole', async () => {
    const plain = Buffer.alloc(INLINE_INFLATE_BYTES * 2, '{"a": 1}')
    const frame = unsizedFrame(plain)
    expect(frame.length).toBeLessThan(INLINE_ZSTD_BYTES)
    expect(declaredContentSize(frame)).toBeUndefined()
    expect(inlineZstdDecompress(frame, undefined)).toBeUndefined()
    expect((await zstdCodec().decompress(frame)).equals(plain)).toBe(true)
  })

  it('a frame declaring more than the in-place bound is not tried in place', () => {
    const frame = zstdCodecFrame(Buffer.alloc(INLINE_INFLATE_BYTES + 1, 'x'))
    expect(declaredContentSize(frame)).toBe(INLINE_INFLATE_BYTES + 1)
    expect(inlineZstdDecompress(frame, declaredContentSize(frame))).toBeUndefined()
  })

  it('concatenated frames (two batches of one producer) inflate to both', async () => {
    const a = Buffer.from('{"graceid": "G1"}')
    const b = Buffer.from('{"graceid": "G2"}')
    const both = Buffer.concat([zstdCodecFrame(a), zstdCodecFrame(b)])
    expect((await zstdCodec().decompress(both)).toString()).toBe(`${a}${b}`)
  })

  it('corrupt small frames reject, in place as from the thread pool', async () => {
    const frame = zstdCodecFrame(upload)
    const garbage = Buffer.concat([frame.subarray(0, 4), Buffer.alloc(64, 0xff)]) // the magic, then no frame
    await expect(zstdCodec().decompress(garbage)).rejects.toThrow()
    await expect(zstdCodec().decompress(frame.subarray(0, 100))).rejects.toThrow() // truncated
  })
})

describe.runIf(!sync)('zstd without a synchronous backend (Node < 22.15)', () => {
  it('nothing is done in place; batches still round-trip through the thread pool', async () => {
    expect(inlineZstdCompress(upload, 1)).toBeUndefined()
    const packed = await zstdCodec().compress({ buffer: upload })
    expect(inlineZstdDecompress(packed, declaredContentSize(packed))).toBeUndefined()
    expect((await zstdCodec().decompress(packed)).equals(upload)).toBe(true)
  })
})

/** A one-shot zstd frame at zstd's default level (declares its content size), from node:zlib's own zstd. */
function zstdCodecFrame(data: Buffer): Buffer {
  return nodeZstd()!.zstdCompressSync(data, { params: {} })
}
