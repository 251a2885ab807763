import { describeInput, quote, TopicNameError } from './errors.js'
import { instanceProblem, typeProblem } from './kafka-rules.js'

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/

/**
 * The hostname of a URL exactly as Python's `urllib.parse.urlparse(url).hostname` finds it (Python 3.11):
 * leading spaces and control characters are dropped, tabs and newlines removed, the scheme is optional but
 * the host must follow `//`, user info and port are ignored, brackets are removed from an IPv6 literal,
 * and the result is lowercased. `undefined` when there is no host.
 */
function pythonHostname(url: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Python strips exactly the C0 controls and space
  let rest = url.replace(/^[\u0000-\u0020]+/, '').replace(/[\t\r\n]/g, '')
  const colon = rest.indexOf(':')
  if (colon > 0 && SCHEME.test(rest.slice(0, colon))) rest = rest.slice(colon + 1)
  if (!rest.startsWith('//')) return undefined
  const end = rest.slice(2).search(/[/?#]/)
  const netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end)
  const hostinfo = netloc.slice(netloc.lastIndexOf('@') + 1)
  let host: string
  if (hostinfo.startsWith('[')) {
    const close = hostinfo.indexOf(']')
    if (close < 0) return undefined
    host = hostinfo.slice(1, close)
  } else {
    const portColon = hostinfo.indexOf(':')
    host = portColon < 0 ? hostinfo : hostinfo.slice(0, portColon)
  }
  return host === '' ? undefined : host.toLowerCase()
}

/**
 * The GraceDB instance name of a service URL: the first label of its hostname (ligo-gracedb's
 * `derive_instance_name`).
 *
 * The hostname is found as Python's `urlparse` finds it (lowercased, port and user info ignored, a URL
 * needs `scheme://` or `//` before the host), then cut at its first dot. Deliberate difference from Python:
 * the result must be a usable instance name (non-empty, only `a-z 0-9 _ -`), so `https://.ligo.org/`
 * (Python: `""`) and `https://[::1]/` (Python: `"::1"`) are rejected instead of producing a broken topic.
 *
 * @param serviceUrl - GraceDB service URL, e.g. `"https://gracedb-dev.ligo.org/api/"`.
 * @returns the instance name, e.g. `"gracedb-dev"`.
 * @throws {@link TopicNameError} when no hostname can be parsed or its first label is not a valid name.
 *
 * @example
 * ```ts
 * import { deriveInstanceName } from '@gracedb-kafka/topics'
 *
 * deriveInstanceName('https://gracedb-dev.ligo.org/api/') // => 'gracedb-dev'
 * deriveInstanceName('https://gracedb.ligo.org/api/')     // => 'gracedb'
 * deriveInstanceName('https://localhost:8080/api/')       // => 'localhost'
 * ```
 */
export function deriveInstanceName(serviceUrl: string): string {
  const wrongType = typeProblem('serviceUrl', serviceUrl)
  if (wrongType) throw new TopicNameError(`deriveInstanceName: ${wrongType}`, describeInput(serviceUrl))
  const hostname = pythonHostname(serviceUrl)
  if (hostname === undefined) {
    throw new TopicNameError(
      `Cannot parse hostname from URL ${quote(serviceUrl)} (expected e.g. "https://gracedb.ligo.org/api/")`,
      serviceUrl,
    )
  }
  const instance = hostname.split('.')[0] ?? ''
  const bad = instanceProblem(instance, `instance name derived from host ${quote(hostname)}`)
  if (bad) throw new TopicNameError(`deriveInstanceName(${quote(serviceUrl)}): ${bad}`, serviceUrl)
  return instance
}
