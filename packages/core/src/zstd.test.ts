import { describe, expect, it } from 'vitest'
import { KafkaError, registerZstdCodec, zstdCodec } from './index.js'

// `zstd -19` of three copies of {"graceid": "G12345", "group": "CBC"} (made with the zstd command-line tool).
const FRAME = 'KLUv/QRobQEAVAJ7ImdyYWNlaWQiOiAiRzEyMzQ1IiwgImdyb3VwIjogIkNCQyJ9AQA9hKon99RZhw=='
const PLAIN = '{"graceid": "G12345", "group": "CBC"}'.repeat(3)

describe('zstd codec for kafkajs', () => {
  it('decompresses a zstd frame', async () => {
    const out = await zstdCodec().decompress(Buffer.from(FRAME, 'base64'))
    expect(Buffer.isBuffer(out)).toBe(true)
    expect(out.toString('utf8')).toBe(PLAIN)
  })

  it('a truncated frame rejects instead of returning garbage', async () => {
    const truncated = Buffer.from(FRAME, 'base64').subarray(0, 12)
    await expect(zstdCodec().decompress(truncated)).rejects.toThrow()
  })

  it('refuses to compress with a clear, coded error', async () => {
    await expect(zstdCodec().compress({ buffer: Buffer.from('x') })).rejects.toMatchObject({
      code: 'ERR_KAFKA_ZSTD_COMPRESSION_UNSUPPORTED',
    })
    await expect(zstdCodec().compress({ buffer: Buffer.from('x') })).rejects.toBeInstanceOf(KafkaError)
  })

  it("replaces kafkajs's throwing placeholder, and never a codec the user installed", () => {
    const types = { ZSTD: 4 }
    const table: Record<number, unknown> = {
      4: () => {
        throw new Error('ZSTD compression not implemented')
      },
    }
    registerZstdCodec(table, types)
    expect(table[4]).toBe(zstdCodec)
    registerZstdCodec(table, types)
    expect(table[4]).toBe(zstdCodec)
    const mine = () => ({})
    const other: Record<number, unknown> = { 4: mine }
    registerZstdCodec(other, types)
    expect(other[4]).toBe(mine)
  })
})
