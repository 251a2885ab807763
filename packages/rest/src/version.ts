import { createRequire } from 'node:module'

/**
 * This package's version, read from its package.json (the same relative path from `src/` and from `dist/`), so
 * the user agent never drifts from the published version.
 */
export const PACKAGE_VERSION: string = (() => {
  const pkg = createRequire(import.meta.url)('../package.json') as { version?: unknown }
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0'
})()

/** The `User-Agent` of every request the REST client makes, e.g. `gracedb-kafka-rest/0.1.0`. */
export const USER_AGENT: string = `gracedb-kafka-rest/${PACKAGE_VERSION}`
