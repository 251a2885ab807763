import { kafkajsPrototype } from './kafkajs-class.js'

/** What the fix reads of kafkajs 2.2.4's `BrokerPool` (src/cluster/brokerPool.js). */
interface BrokerPoolState {
  brokers: Record<string, { nodeId?: number; connectionPool: { host: string; port: number } }>
  seedBroker: { nodeId?: number } | undefined
  metadataExpireAt: number | null
}

const FIXED: unique symbol = Symbol.for('@gracedb-kafka/broker-pool-seed') as never

/**
 * kafkajs 2.2.4's `removeBroker`, corrected: when the removed broker is the seed broker and no other broker is
 * known, the seed broker is kept. kafkajs replaces it with a random remaining broker, which is `undefined` once
 * the pool is empty; `connect()` and `refreshMetadata()` then fail with a `TypeError` ("Cannot read properties of
 * undefined (reading 'connect')") instead of reconnecting. Seen in our fault suite (R4, leader and coordinator
 * SIGKILLed on a 3-broker cluster): connections to several brokers closed at once, each send removed its broker,
 * and the producer's cluster lost its seed. The kept seed is reconnected by `connect()`, which rotates to the next
 * bootstrap broker when it cannot be reached. No upstream fix: kafkajs is unmaintained (the same code is on its
 * master branch).
 */
function removeBroker(this: BrokerPoolState, { host, port }: { host: string; port: number }): void {
  const removed = Object.values(this.brokers).find(
    (b) => b.connectionPool.host === host && b.connectionPool.port === port,
  )
  if (removed === undefined) return
  delete this.brokers[String(removed.nodeId)]
  this.metadataExpireAt = null
  if (this.seedBroker?.nodeId === removed.nodeId) {
    const others = Object.values(this.brokers)
    if (others.length > 0) this.seedBroker = others[Math.floor(Math.random() * others.length)]
  }
}

/**
 * Correct kafkajs's `BrokerPool.removeBroker` (see above) on the class itself, once per process; later calls
 * and other copies do nothing. Pass the class, or a URL or path to resolve `kafkajs` from (a package that depends
 * on kafkajs passes its own `import.meta.url`). Returns whether the class is (now) corrected; `false` when it
 * cannot be found or does not have kafkajs 2.2.x's shape, in which case nothing is changed.
 *
 * @example
 * ```ts
 * fixSeedBrokerRemoval(import.meta.url) // in a module that depends on kafkajs
 * ```
 */
export function fixSeedBrokerRemoval(from: string | URL | { prototype: object }): boolean {
  const proto = kafkajsPrototype(from, 'kafkajs/src/cluster/brokerPool.js')
  if (proto === undefined || typeof proto.removeBroker !== 'function') return false
  if (typeof proto.createSeedBroker !== 'function' || typeof proto.refreshMetadata !== 'function')
    return false
  if (proto[FIXED] !== true) {
    proto.removeBroker = removeBroker
    proto[FIXED] = true
  }
  return true
}
