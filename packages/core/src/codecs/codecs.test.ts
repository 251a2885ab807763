import { randomBytes } from 'node:crypto'
import { decompress as fzstd } from 'fzstd'
import { describe, expect, it } from 'vitest'
import {
  COMPRESSION_NAMES,
  type CompressionCodec,
  compressionType,
  InvalidOptionError,
  KafkaError,
  lz4Codec,
  registerCodecs,
  registerZstdCodec,
  snappyCodec,
  zstdCodec,
} from '../index.js'
import { nodeZstd } from './node-zstd.js'
import { isXerialFramed } from './snappy.js'
import { declaredContentSize, loadNativeZstd } from './zstd.js'

// Fixed vectors made with the zstd and lz4 command-line tools (zstd 1.5, lz4 1.9) from the inputs below.
const PLAIN = '{"graceid": "G12345", "group": "CBC"}'.repeat(3)
const BIG = 'GraceDB superevent S'.repeat(12000) // 240000 bytes
const VECTORS = {
  // `zstd -19`, and `zstd -c < file` (streamed: no content size in the frame header)
  zstd19: 'KLUv/QRobQEAVAJ7ImdyYWNlaWQiOiAiRzEyMzQ1IiwgImdyb3VwIjogIkNCQyJ9AQA9hKon99RZhw==',
  zstdStream: 'KLUv/QRYbQEAVAJ7ImdyYWNlaWQiOiAiRzEyMzQ1IiwgImdyb3VwIjogIkNCQyJ9AQA9hKon99RZhw==',
  zstdBig: 'KLUv/QRY5AAAoEdyYWNlREIgc3VwZXJldmVudCBTAQDS/y+fTE0AAAhyAQB8qTkQAg2ABZE=',
  // `lz4 -c` (independent 4 MiB blocks, content checksum), `lz4 -BD --content-size`, `lz4 -BX` (block checksums)
  lz4: 'BCJNGGRApy8AAADwDXsiZ3JhY2VpZCI6ICJHMTIzNDUiLCAiZ3JvdXATAF9DQkMifSUAMlBDQkMifQAAAADhkruR',
  lz4ContentSize:
    'BCJNGGxAbwAAAAAAAADqLwAAAPANeyJncmFjZWlkIjogIkcxMjM0NSIsICJncm91cBMAX0NCQyJ9JQAyUENCQyJ9AAAAAOGSu5E=',
  lz4BlockChecksum:
    'BCJNGHRAvS8AAADwDXsiZ3JhY2VpZCI6ICJHMTIzNDUiLCAiZ3JvdXATAF9DQkMifSUAMlBDQkMifckRc+0AAAAA4ZK7kQ==',
  // `lz4 -BD -B4` of BIG: linked 64 KiB blocks, later blocks copy from earlier ones
  lz4Linked:
    'BCJNGERAXh8BAAD/BUdyYWNlREIgc3VwZXJldmVudCBTFAD/////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////1FBlcmV2ZQoBAAAP8P//////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////6FAgc3VwZR8BAAD/BXJldmVudCBTR3JhY2VEQiBzdXBlFAD/////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////1FBjZURCILQAAAAP8P///////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////xJQZW50IFMAAAAAhaHV3g==',
}
// Snappy, by hand from the format description: varint length, literal tags, a 1-byte-offset copy.
const SNAPPY_HELLO = Buffer.from([0x05, 0x10, 0x68, 0x65, 0x6c, 0x6c, 0x6f]) // "hello"
const SNAPPY_ABC = Buffer.from([0x0c, 0x08, 0x61, 0x62, 0x63, 0x15, 0x03]) // "abc" then copy(offset 3, len 9)
const XERIAL_HEADER = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])
const xerial = (...blocks: Buffer[]): Buffer =>
  Buffer.concat([XERIAL_HEADER, ...blocks.flatMap((b) => [Buffer.from([0, 0, 0, b.length]), b])])

const b64 = (s: string): Buffer => Buffer.from(s, 'base64')
const text = async (codec: CompressionCodec, data: Buffer): Promise<string> => {
  const out = await codec.decompress(data)
  expect(Buffer.isBuffer(out)).toBe(true)
  return out.toString('utf8')
}

const codecs = { zstd: zstdCodec, lz4: lz4Codec, snappy: snappyCodec } as const
const inputs: [string, Buffer][] = [
  ['empty', Buffer.alloc(0)],
  ['one byte', Buffer.from('x')],
  ['a small JSON message', Buffer.from(PLAIN)],
  ['240 kB of repetitive text (several blocks)', Buffer.from(BIG)],
  ['300 kB of random bytes (incompressible)', randomBytes(300_000)],
]

describe.each(Object.entries(codecs))('%s codec', (_name, factory) => {
  it.each(inputs)('round-trips %s', async (_label, data) => {
    const codec = factory()
    const packed = await codec.compress({ buffer: data })
    expect(Buffer.isBuffer(packed)).toBe(true)
    const unpacked = await codec.decompress(packed)
    expect(unpacked.equals(data)).toBe(true)
  })

  it('compresses repetitive data', async () => {
    const packed = await factory().compress({ buffer: Buffer.from(BIG) })
    expect(packed.length).toBeLessThan(BIG.length / 10)
  })
})

describe('fixed vectors', () => {
  it('zstd frames from the zstd tool, with and without a content size', async () => {
    expect(await text(zstdCodec(), b64(VECTORS.zstd19))).toBe(PLAIN)
    expect(await text(zstdCodec(), b64(VECTORS.zstdStream))).toBe(PLAIN)
    expect(await text(zstdCodec(), b64(VECTORS.zstdBig))).toBe(BIG)
  })

  it('our zstd output is a standard frame (fzstd, an independent decoder, reads it)', async () => {
    const packed = await zstdCodec().compress({ buffer: Buffer.from(BIG) })
    expect(packed.subarray(0, 4).toString('hex')).toBe('28b52ffd')
    expect(Buffer.from(fzstd(packed)).toString('utf8')).toBe(BIG)
  })

  it('LZ4 frames from the lz4 tool: checksums, content size', async () => {
    expect(await text(lz4Codec(), b64(VECTORS.lz4))).toBe(PLAIN)
    expect(await text(lz4Codec(), b64(VECTORS.lz4ContentSize))).toBe(PLAIN)
    expect(await text(lz4Codec(), b64(VECTORS.lz4BlockChecksum))).toBe(PLAIN)
  })

  it('an LZ4 frame of linked blocks (what the lz4 tool writes with -BD)', async () => {
    expect(await text(lz4Codec(), b64(VECTORS.lz4Linked))).toBe(BIG)
  })

  it("our LZ4 frame has Kafka's header: independent 64 KiB blocks and a correct header checksum", async () => {
    const packed = await lz4Codec().compress({ buffer: Buffer.from(PLAIN) })
    // magic, FLG (version 01, block independence), BD (64 KiB), and the header checksum xxh32(FLG,BD)>>8 & 0xff:
    // the same 7 bytes as `lz4 -B4 -BI --no-frame-crc` writes.
    expect(packed.subarray(0, 6).toString('hex')).toBe('04224d186040')
    expect(packed[6]).toBe(0x82)
    expect(packed.subarray(-4).toString('hex')).toBe('00000000')
  })

  it('snappy: a raw block (librdkafka) and the xerial framing (Java), one or several chunks', async () => {
    expect(await text(snappyCodec(), SNAPPY_HELLO)).toBe('hello')
    expect(await text(snappyCodec(), SNAPPY_ABC)).toBe('abcabcabcabc')
    expect(await text(snappyCodec(), xerial(SNAPPY_HELLO))).toBe('hello')
    expect(await text(snappyCodec(), xerial(SNAPPY_HELLO, SNAPPY_ABC))).toBe('helloabcabcabcabc')
  })

  it('snappy output is xerial-framed in chunks of at most 32 KiB, as snappy-java writes', async () => {
    const packed = await snappyCodec().compress({ buffer: Buffer.from(BIG) })
    expect(isXerialFramed(packed)).toBe(true)
    expect(packed.subarray(0, 16).equals(XERIAL_HEADER)).toBe(true)
    let chunks = 0
    for (let at = 16; at < packed.length; chunks++) at += 4 + packed.readInt32BE(at)
    expect(chunks).toBe(Math.ceil(BIG.length / 32768))
  })
})

describe('zstd backends', () => {
  it('@mongodb-js/zstd (prebuilt from the npm registry) loads lazily and reads the fixed vectors', async () => {
    const native = await loadNativeZstd()
    expect(native).toBeDefined()
    expect((await native?.decompress(b64(VECTORS.zstdBig)))?.toString('utf8')).toBe(BIG)
  })

  it.runIf(nodeZstd() !== undefined)(
    "node:zlib's zstd and @mongodb-js/zstd read each other's frames",
    async () => {
      const native = await loadNativeZstd()
      const ours = await zstdCodec().compress({ buffer: Buffer.from(BIG) }) // node:zlib on this Node
      expect((await native?.decompress(ours))?.toString('utf8')).toBe(BIG)
      const theirs = (await native?.compress(Buffer.from(BIG), 3)) as Buffer
      expect((await zstdCodec().decompress(theirs)).toString('utf8')).toBe(BIG)
    },
  )
})

describe('corrupt input rejects instead of returning garbage', () => {
  it.each([
    ['zstd', zstdCodec, b64(VECTORS.zstd19).subarray(0, 12)],
    ['lz4 (bad magic)', lz4Codec, Buffer.from('not an lz4 frame')],
    ['lz4 (truncated)', lz4Codec, b64(VECTORS.lz4).subarray(0, 30)],
    ['lz4 (header checksum)', lz4Codec, Buffer.from(b64(VECTORS.lz4).map((v, i) => (i === 6 ? v ^ 1 : v)))],
    ['lz4 (content checksum)', lz4Codec, Buffer.from(b64(VECTORS.lz4).map((v, i) => (i === 20 ? v ^ 1 : v)))],
    ['snappy (truncated xerial chunk)', snappyCodec, xerial(SNAPPY_HELLO).subarray(0, 20)],
    ['snappy (bad raw block)', snappyCodec, Buffer.from([0x05, 0x10, 0x68])],
  ])('%s', async (_label, factory, data) => {
    await expect(factory().decompress(data)).rejects.toThrow()
  })

  it('a zstd frame declaring more than the cap is refused before inflating', async () => {
    // Frame header: magic, FHD = single segment + 8-byte content size, then 2**40 as the size, then junk.
    const header = Buffer.alloc(14)
    header.writeUInt32LE(0xfd2fb528, 0)
    header[4] = 0xe0
    header.writeBigUInt64LE(2n ** 40n, 5)
    expect(declaredContentSize(header)).toBe(2 ** 40)
    await expect(zstdCodec().decompress(header)).rejects.toMatchObject({ code: 'ERR_KAFKA_DECOMPRESS' })
  })

  it('reads the declared content size of real frames (absent when streamed)', async () => {
    const oneShot = await zstdCodec().compress({ buffer: Buffer.from(BIG) })
    const declared = declaredContentSize(oneShot)
    expect(declared === undefined || declared === BIG.length).toBe(true)
    expect(declaredContentSize(b64(VECTORS.zstdStream))).toBeUndefined()
    expect(declaredContentSize(Buffer.from('not zstd'))).toBeUndefined()
  })

  it('a snappy length beyond the cap is refused before allocating it', async () => {
    const huge = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]) // declares 4 GiB
    await expect(snappyCodec().decompress(huge)).rejects.toBeInstanceOf(KafkaError)
  })
})

describe('registerCodecs', () => {
  const types = { None: 0, GZIP: 1, Snappy: 2, LZ4: 3, ZSTD: 4 }
  const placeholder = (what: string) => () => {
    throw new Error(`${what} compression not implemented`)
  }
  const kafkajsTable = (): Record<number, unknown> => ({
    1: () => ({ gzip: true }),
    2: placeholder('Snappy'),
    3: placeholder('LZ4'),
    4: placeholder('ZSTD'),
  })

  it("replaces kafkajs's throwing placeholders, keeps gzip, and is idempotent", () => {
    const table = kafkajsTable()
    const gzip = table[1]
    registerCodecs(table, types)
    expect(table).toMatchObject({ 1: gzip, 2: snappyCodec, 3: lz4Codec, 4: zstdCodec })
    registerCodecs(table, types)
    expect(table).toMatchObject({ 1: gzip, 2: snappyCodec, 3: lz4Codec, 4: zstdCodec })
  })

  it('never replaces a working codec the user installed', () => {
    const mine = () => ({})
    const table: Record<number, unknown> = { ...kafkajsTable(), 3: mine }
    registerCodecs(table, types)
    expect(table[3]).toBe(mine)
    expect(table[4]).toBe(zstdCodec)
  })

  it('registerZstdCodec (deprecated) still installs zstd only', () => {
    const table = kafkajsTable()
    registerZstdCodec(table, types)
    expect(table[4]).toBe(zstdCodec)
    expect(() => (table[3] as () => unknown)()).toThrow(/not implemented/)
  })
})

describe('compressionType', () => {
  const types = { None: 0, GZIP: 1, Snappy: 2, LZ4: 3, ZSTD: 4 }
  it('maps every name to kafkajs CompressionTypes', () => {
    expect(COMPRESSION_NAMES.map((n) => compressionType(n, types))).toEqual([4, 1, 3, 2, 0])
  })
  it('refuses an unknown name with InvalidOptionError naming the option', () => {
    expect(() => compressionType('brotli' as never, types)).toThrow(InvalidOptionError)
    expect(() => compressionType('brotli' as never, types)).toThrow(/compression must be one of zstd, gzip/)
  })
})
