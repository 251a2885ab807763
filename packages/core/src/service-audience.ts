import { InvalidOptionError } from './errors.js'

/**
 * The SciToken audience a GraceDB service expects, as igwn-auth-utils' `target_audience` derives it from the
 * service URL: `<scheme>://<hostname>`, without port or path. This is the one place gracedb-kafka derives an
 * audience from a service URL (the REST client and the testkit's GraceDB stand-in share it); the Kafka side's
 * audience, the broker's host, comes from `brokerAudience`.
 *
 * @throws InvalidOptionError (option `serviceUrl`) when `serviceUrl` is not an absolute URL.
 * @example
 * ```ts
 * serviceAudience('https://gracedb-test.ligo.org/api/') // 'https://gracedb-test.ligo.org'
 * serviceAudience('http://localhost:8080/api/') // 'http://localhost'
 * ```
 */
export function serviceAudience(serviceUrl: string): string {
  if (typeof serviceUrl !== 'string' || !URL.canParse(serviceUrl)) {
    throw new InvalidOptionError(
      'serviceUrl',
      'serviceUrl: expected an absolute URL such as "https://gracedb-dev.ligo.org/api/"',
    )
  }
  const u = new URL(serviceUrl)
  return `${u.protocol}//${u.hostname}`
}
