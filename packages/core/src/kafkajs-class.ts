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
  const cls = typeof from === 'string' || from instanceof URL ? kafkajsModule(from, modulePath) : from
  return (cls as { prototype?: KafkajsPrototype } | undefined)?.prototype
}

/**
 * The exports of kafkajs's module `modulePath` (e.g. `kafkajs/src/protocol/requests/fetch/v11/response.js`),
 * resolved from `from` (a URL or path; core has no kafkajs dependency, so a package that has one passes its own
 * `import.meta.url`), for the kafkajs corrections that replace a module's function (`fixFetchDecoding`).
 * `undefined` when kafkajs cannot be resolved there.
 *
 * @example
 * ```ts
 * const response = kafkajsModule(import.meta.url, 'kafkajs/src/protocol/requests/fetch/v11/response.js')
 * ```
 */
export function kafkajsModule(from: string | URL, modulePath: string): unknown {
  try {
    return createRequire(from)(modulePath)
  } catch {
    return undefined
  }
}
