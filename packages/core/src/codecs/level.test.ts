import { gunzipSync } from 'node:zlib'
import { decompress as fzstd } from 'fzstd'
import { describe, expect, it } from 'vitest'
import { InvalidOptionError } from '../errors.js'
import { checkCompressionLevel, levelledCodec } from './level.js'
import { nodeZstd } from './node-zstd.js'
import { DEFAULT_ZSTD_LEVEL, loadNativeZstd, zstdCodec } from './zstd.js'

/** 64 KiB of 1 KiB JSON records with random hex paddings (fixed seed): compresses about 2×, as the bench data. */
const RECORDS = (() => {
  let state = 12345
  const hex = (): string => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    return (state >>> 16).toString(16).padStart(4, '0')
  }
  const lines: string[] = []
  for (let i = 0; i < 64; i++) {
    lines.push(JSON.stringify({ seq: i, graceid: `G${i}`, pad: Array.from({ length: 240 }, hex).join('') }))
  }
  return Buffer.from(lines.join('\n'))
})()

describe('checkCompressionLevel', () => {
  it.each([
    ['zstd', -1],
    ['zstd', 0],
    ['zstd', 12],
    ['gzip', -1],
    ['gzip', 0],
    ['gzip', 9],
    ['lz4', -1],
    ['snappy', -1],
    ['none', -1],
  ] as const)('accepts %s level %d', (codec, level) => {
    expect(() => checkCompressionLevel(codec, level, 'compressionLevel', 'P')).not.toThrow()
  })

  it.each([
    ['zstd', 13, 'from -1 to 12 for zstd'],
    ['zstd', -2, 'from -1 to 12 for zstd'],
    ['gzip', 10, 'from -1 to 9 for gzip'],
    ['lz4', 1, 'has no levels'],
    ['snappy', 0, 'has no levels'],
    ['none', 3, 'has no levels'],
    ['zstd', 2.5, 'an integer'],
  ] as const)('refuses %s level %d with InvalidOptionError naming the option', (codec, level, why) => {
    let caught: unknown
    try {
      checkCompressionLevel(codec, level, 'kafkaConfig.compression.level', 'GraceDbKafkaProducer')
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(InvalidOptionError)
    expect(caught).toMatchObject({ option: 'kafkaConfig.compression.level' })
    expect((caught as Error).message).toContain(why)
  })
})

describe('compression levels', () => {
  it(`zstd writes level ${DEFAULT_ZSTD_LEVEL} by default, and the level given reaches the backend`, async () => {
    const byDefault = await zstdCodec().compress({ buffer: RECORDS })
    const one = await levelledCodec('zstd', 1)?.compress({ buffer: RECORDS })
    const three = await levelledCodec('zstd', 3)?.compress({ buffer: RECORDS })
    const twelve = await levelledCodec('zstd', 12)?.compress({ buffer: RECORDS })
    expect(DEFAULT_ZSTD_LEVEL).toBe(1)
    expect(byDefault.equals(one as Buffer)).toBe(true)
    // Different levels, different frames (a backend that dropped the level would write the same bytes).
    expect(one?.equals(three as Buffer)).toBe(false)
    expect(three?.equals(twelve as Buffer)).toBe(false)
    for (const packed of [one, three, twelve]) {
      expect(Buffer.from(fzstd(packed as Buffer)).equals(RECORDS)).toBe(true) // an independent decoder
    }
  })

  it("zstd -1 is zstd's own default level, 3 (librdkafka's meaning of -1)", async () => {
    const minusOne = await levelledCodec('zstd', -1)?.compress({ buffer: RECORDS })
    const three = await levelledCodec('zstd', 3)?.compress({ buffer: RECORDS })
    expect(minusOne?.equals(three as Buffer)).toBe(true)
  })

  it('both zstd backends honour the level (node:zlib where Node has it, and @mongodb-js/zstd)', async () => {
    const native = await loadNativeZstd()
    expect(native).toBeDefined()
    const sizes = await Promise.all([1, 9].map(async (l) => (await native?.compress(RECORDS, l))?.length))
    expect(sizes[0]).not.toBe(sizes[1])
    const node = nodeZstd()
    if (node === undefined) return // Node 20: node:zlib has no zstd; the native binding is the backend
    const fromNode = await zstdCodec(9).compress({ buffer: RECORDS })
    expect(Buffer.from(fzstd(fromNode)).equals(RECORDS)).toBe(true)
  })

  it('gzip levels: 0 stores, 9 compresses, -1 is zlib default; every output is a standard gzip stream', async () => {
    const out = await Promise.all(
      [0, 1, 9, -1].map((l) => levelledCodec('gzip', l)?.compress({ buffer: RECORDS })),
    )
    const [stored, fast, best, dflt] = out as Buffer[]
    expect(stored?.length).toBeGreaterThan(RECORDS.length)
    expect(best?.length).toBeLessThan(RECORDS.length)
    expect(best?.length).toBeLessThanOrEqual(fast?.length as number)
    for (const packed of out) expect(gunzipSync(packed as Buffer).equals(RECORDS)).toBe(true)
    expect(await levelledCodec('gzip', 9)?.decompress(best as Buffer)).toEqual(RECORDS)
    expect(dflt?.length).toBeGreaterThan(0)
  })

  it('codecs without levels have no levelled codec', () => {
    expect(levelledCodec('lz4', 3)).toBeUndefined()
    expect(levelledCodec('snappy', -1)).toBeUndefined()
    expect(levelledCodec('none', -1)).toBeUndefined()
  })
})
