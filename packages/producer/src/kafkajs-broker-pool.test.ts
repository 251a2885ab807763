import { createRequire } from 'node:module'
import { fixSeedBrokerRemoval } from '@gracedb-kafka/core'
import { beforeAll, describe, expect, it } from 'vitest'

// The real kafkajs 2.2.4 BrokerPool class (not a mock): the fix replaces `removeBroker` on its prototype. The
// pool's broker map and seed are set by hand, as refreshMetadata() leaves them: brokers keyed by node id.
const BrokerPool = createRequire(import.meta.url)('kafkajs/src/cluster/brokerPool.js') as new (
  options: Record<string, unknown>,
) => {
  brokers: Record<string, FakeBroker>
  seedBroker: FakeBroker | undefined
  metadataExpireAt: number | null
  removeBroker(destination: { host: string; port: number }): void
}
type FakeBroker = { nodeId: number; connectionPool: { host: string; port: number } }

const logger = { namespace: () => logger, debug() {}, info() {}, warn() {}, error() {} }
const broker = (nodeId: number): FakeBroker => ({
  nodeId,
  connectionPool: { host: 'localhost', port: 9092 + nodeId },
})
function pool(nodeIds: number[], seed: number) {
  const p = new BrokerPool({ connectionPoolBuilder: { build: async () => ({}) }, logger, retry: {} })
  p.brokers = Object.fromEntries(nodeIds.map((id) => [String(id), broker(id)]))
  p.seedBroker = p.brokers[String(seed)]
  p.metadataExpireAt = Date.now() + 300_000
  return p
}

beforeAll(() => {
  expect(fixSeedBrokerRemoval(import.meta.url)).toBe(true)
})

describe('fixSeedBrokerRemoval on kafkajs BrokerPool (the seed broker is never left undefined)', () => {
  it('resolves kafkajs from a module URL or takes the class, is idempotent, and refuses another shape', () => {
    expect(fixSeedBrokerRemoval(import.meta.url)).toBe(true)
    expect(fixSeedBrokerRemoval(BrokerPool)).toBe(true)
    expect(fixSeedBrokerRemoval(class Other {})).toBe(false)
    expect(fixSeedBrokerRemoval(new URL('file:///nowhere/at/all.js'))).toBe(false)
  })

  it('keeps the seed broker when the last known broker (the seed) is removed: kafkajs left it undefined', () => {
    const p = pool([0], 0)
    const seed = p.seedBroker
    p.removeBroker({ host: 'localhost', port: 9092 })
    expect(p.brokers).toEqual({})
    expect(p.seedBroker).toBe(seed)
    expect(p.metadataExpireAt).toBeNull() // metadata is asked for again before the next lookup
  })

  it('moves the seed to a remaining broker when the seed is removed and others are known', () => {
    const p = pool([0, 1, 2], 1)
    p.removeBroker({ host: 'localhost', port: 9093 })
    expect(Object.keys(p.brokers).sort()).toEqual(['0', '2'])
    expect([p.brokers['0'], p.brokers['2']]).toContain(p.seedBroker)
  })

  it('removes several brokers in a row, as sends to brokers that all dropped their connections do', () => {
    const p = pool([0, 1, 2], 0)
    for (const port of [9092, 9093, 9094]) p.removeBroker({ host: 'localhost', port })
    expect(p.brokers).toEqual({})
    expect(p.seedBroker).toBeDefined()
  })

  it('leaves the seed when another broker is removed, and changes nothing for an unknown address', () => {
    const p = pool([0, 1], 0)
    const seed = p.seedBroker
    p.removeBroker({ host: 'localhost', port: 9093 })
    expect(p.seedBroker).toBe(seed)
    const expireAt = Date.now() + 1_000
    p.metadataExpireAt = expireAt
    p.removeBroker({ host: 'elsewhere', port: 9092 })
    expect(Object.keys(p.brokers)).toEqual(['0'])
    expect(p.metadataExpireAt).toBe(expireAt)
  })
})
