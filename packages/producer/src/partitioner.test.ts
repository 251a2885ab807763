import * as zlib from 'node:zlib'
import fc from 'fast-check'
import type { PartitionMetadata } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { crc32, createConsistentPartitioner, PartitionAssignments } from './partitioner.js'

const meta = (n: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: n }, (_, i) => ({
    partitionErrorCode: 0,
    partitionId: i,
    leader: leaderless.includes(i) ? -1 : 0,
    replicas: [0],
    isr: [0],
  }))

describe('crc32', () => {
  it('is the standard CRC-32 (check value and zlib agree)', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926)
    const zcrc = (zlib as unknown as { crc32?: (b: Uint8Array) => number }).crc32
    if (zcrc) {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => crc32(b) === zcrc(b)))
    }
  })
})

describe('createConsistentPartitioner', () => {
  it('places keyed messages at crc32(key) % partitions (librdkafka consistent_random), explicit partitions as asked', () => {
    const a = new PartitionAssignments()
    const part = createConsistentPartitioner(a)()
    const keyed = { key: Buffer.from('G12345'), value: 'x' }
    expect(part({ topic: 't', partitionMetadata: meta(6), message: keyed })).toBe(
      crc32(Buffer.from('G12345')) % 6,
    )
    expect(part({ topic: 't', partitionMetadata: meta(6), message: { value: 'x', partition: 4 } })).toBe(4)
  })

  it('keeps a keyless batch on one available partition and rotates between batches', () => {
    const a = new PartitionAssignments()
    const part = createConsistentPartitioner(a)()
    const batch1 = [{ value: '1' }, { value: '2' }]
    const batch2 = [{ value: '3' }]
    for (const m of batch1) a.stick(m, 0)
    for (const m of batch2) a.stick(m, 1)
    const md = meta(3, [1])
    const p1 = batch1.map((m) => part({ topic: 't', partitionMetadata: md, message: m }))
    const p2 = part({ topic: 't', partitionMetadata: md, message: batch2[0]! })
    expect(new Set(p1).size).toBe(1)
    expect(p1[0]).not.toBe(p2)
    expect([p1[0], p2]).not.toContain(1) // partition 1 has no leader
  })

  it('gives a message the same partition on every call (retries), and remembers it', () => {
    const a = new PartitionAssignments()
    const part = createConsistentPartitioner(a)()
    const m = { value: 'x' }
    a.stick(m, 5)
    const first = part({ topic: 't', partitionMetadata: meta(4), message: m })
    a.stick(m, 6)
    expect(part({ topic: 't', partitionMetadata: meta(4), message: m })).toBe(first)
    expect(a.get(m)).toBe(first)
  })
})
