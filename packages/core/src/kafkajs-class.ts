import { createRequire } from 'node:module'

/** The prototype of a kafkajs class whose methods a correction replaces. */
export type KafkajsPrototype = Record<PropertyKey, unknown>

/**
 * The prototype of kafkajs's class in `modulePath` (e.g. `kafkajs/src/cluster/brokerPool.js`), for the kafkajs
 * corrections (`fixRequestQueueScheduling`, `fixSeedBrokerRemoval`). `from` is the class itself, or a URL or
 * path to resolve `kafkajs` from (core has no kafkajs dependency: a package that has one passes its own
 * `import.meta.url`). `undefined` when kafkajs cannot be resolved there or `from` has no prototype.
 *
 * @example
 * ```ts
 * const proto = kafkajsPrototype(import.meta.url, 'kafkajs/src/cluster/brokerPool.js')
 * ```
 */
export function kafkajsPrototype(
  from: string | URL | { prototype: object },
  modulePath: string,
): KafkajsPrototype | undefined {
  let cls: unknown = from
  if (typeof from === 'string' || from instanceof URL) {
    try {
      cls = createRequire(from)(modulePath)
    } catch {
      return undefined
    }
  }
  return (cls as { prototype?: KafkajsPrototype } | undefined)?.prototype
}
