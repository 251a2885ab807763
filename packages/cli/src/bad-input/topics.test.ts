// Bad topic names, instance names, service URLs and kafka:// URLs: each gives TopicNameError (code
// ERR_GRACEDB_KAFKA_TOPIC) naming the rejected input, never a raw TypeError, and no password or token leaks.
import {
  deriveInstanceName,
  makeTopicName,
  parseKafkaUrl,
  parseTopicName,
  routeEventTopic,
  TopicNameError,
} from '@gracedb-kafka/topics'
import { describe, expect, it } from 'vitest'
import { expectNoLeak, rawJwt } from '../testing/leaks.js'

function thrownBy(fn: () => unknown): TopicNameError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(TopicNameError)
    expect((err as TopicNameError).code).toBe('ERR_GRACEDB_KAFKA_TOPIC')
    return err as TopicNameError
  }
  throw new Error('expected a TopicNameError')
}

const throwingToString = {
  toString() {
    throw new Error('toString exploded')
  },
}
const NON_STRINGS: Array<[string, unknown]> = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 42],
  ['NaN', Number.NaN],
  ['a boolean', true],
  ['a bigint', 10n],
  ['a symbol', Symbol('s')],
  ['an array', ['gracedb']],
  ['a plain object', { host: 'gracedb' }],
  ['an object without prototype', Object.create(null)],
  ['an object whose toString throws', throwingToString],
  ['a function', () => 'gracedb'],
  ['a String object', new String('gracedb')],
  ['a URL object', new URL('https://gracedb.ligo.org/api/')],
]

describe('non-string arguments give TopicNameError, not a raw TypeError', () => {
  const calls: Array<[string, (v: unknown) => unknown]> = [
    ['deriveInstanceName', (v) => deriveInstanceName(v as string)],
    ['makeTopicName(instance)', (v) => makeTopicName(v as string, 'gstlal')],
    ['makeTopicName(pipeline)', (v) => makeTopicName('gracedb', v as string)],
    ['parseTopicName', (v) => parseTopicName(v as string)],
    ['parseKafkaUrl', (v) => parseKafkaUrl(v as string)],
    ['routeEventTopic(group)', (v) => routeEventTopic('gracedb', v as string, 'gstlal')],
  ]
  for (const [fn, call] of calls) {
    it.each(NON_STRINGS)(`${fn}: %s`, (_name, value) => {
      const err = thrownBy(() => call(value))
      expect(err.message).toMatch(/must be a string/)
      expect(typeof err.input).toBe('string')
    })
  }
})

describe('bad names', () => {
  const cases: Array<[string, () => unknown, string, RegExp]> = [
    ['empty instance', () => makeTopicName('', 'gstlal'), '', /instance is empty/],
    ['instance with a dot', () => makeTopicName('gracedb.dev', 'x'), 'gracedb.dev', /contains "\."/],
    ['instance with a space', () => makeTopicName('grace db', 'x'), 'grace db', /contains " "/],
    ['instance with a slash', () => makeTopicName('grace/db', 'x'), 'grace/db', /contains "\/"/],
    ['instance with unicode', () => makeTopicName('gracédb', 'x'), 'gracédb', /contains "é"/],
    ['empty pipeline', () => makeTopicName('gracedb', ''), '', /pipeline is empty/],
    ['pipeline with a space', () => makeTopicName('gracedb', 'gst lal'), 'gst lal', /contains " "/],
    ['pipeline with a tab', () => makeTopicName('gracedb', 'gst\tlal'), 'gst\tlal', /contains "\\t"/],
    ['pipeline with NUL', () => makeTopicName('gracedb', 'a\u0000b'), 'a\u0000b', /contains/],
    ['pipeline with an emoji', () => makeTopicName('gracedb', 'gw🌊'), 'gw🌊', /contains "🌊"/],
    ['pipeline with a comma', () => makeTopicName('gracedb', 'a,b'), 'a,b', /contains ","/],
    ['pipeline with a colon', () => makeTopicName('gracedb', 'a:b'), 'a:b', /contains ":"/],
    [
      'topic too long',
      () => makeTopicName('gracedb', 'x'.repeat(245)),
      `gracedb.${'x'.repeat(245)}`,
      /at most 249/,
    ],
    ['parse: no dot', () => parseTopicName('nodot'), 'nodot', /nodot/],
    ['parse: leading dot', () => parseTopicName('.gstlal'), '.gstlal', /./],
    ['parse: trailing dot', () => parseTopicName('gracedb.'), 'gracedb.', /./],
    ['parse: empty', () => parseTopicName(''), '', /./],
    ['parse: space', () => parseTopicName('gracedb.gst lal'), 'gracedb.gst lal', /contains " "/],
    ['parse: too long', () => parseTopicName(`g.${'x'.repeat(300)}`), `g.${'x'.repeat(300)}`, /249/],
    ['parse: "."', () => parseTopicName('.'), '.', /./],
    ['parse: ".."', () => parseTopicName('..'), '..', /./],
    ['route: bad pipeline', () => routeEventTopic('gracedb', 'CBC', 'gst lal'), 'gst lal', /contains " "/],
    ['derive: no scheme', () => deriveInstanceName('gracedb.ligo.org'), 'gracedb.ligo.org', /hostname/],
    ['derive: empty', () => deriveInstanceName(''), '', /./],
    ['derive: only a scheme', () => deriveInstanceName('https://'), 'https://', /hostname/],
    [
      'derive: empty first label',
      () => deriveInstanceName('https://.ligo.org/'),
      'https://.ligo.org/',
      /empty/,
    ],
    ['derive: IPv6 literal', () => deriveInstanceName('https://[::1]/api/'), 'https://[::1]/api/', /./],
    ['derive: unclosed bracket', () => deriveInstanceName('https://[::1/api/'), 'https://[::1/api/', /./],
    [
      'derive: space in host',
      () => deriveInstanceName('https://grace db.org/'),
      'https://grace db.org/',
      /./,
    ],
    ['derive: only spaces', () => deriveInstanceName('   '), '   ', /./],
  ]
  it.each(cases)('%s', (_name, fn, input, message) => {
    const err = thrownBy(fn)
    expect(err.input).toBe(input)
    expect(err.message).toMatch(message)
  })
})

describe('a token pasted where a name belongs is never echoed', () => {
  const token = rawJwt('{"sub":"x","exp":9999999999}', '{ "alg": "ES256" }')
  it.each([
    ['instance', () => makeTopicName(token, 'gstlal')],
    ['pipeline', () => makeTopicName('gracedb', `${token} x`)],
    ['topic', () => parseTopicName(`gracedb.${token} x`)],
    ['service URL', () => deriveInstanceName(`${token}/api/`)],
    ['kafka:// URL topic', () => parseKafkaUrl(`kafka://host/${token} x`)],
    ['kafka:// URL host', () => parseKafkaUrl(`kafka://${token}:x/t`)],
  ])('%s', (_name, fn) => {
    expectNoLeak(thrownBy(fn), [token])
  })
})

const PASSWORDS = [
  'Pa55/w0rd',
  'p:a:s:s',
  'p@ss@word',
  's3cr3t?x=1',
  'h#sh#pass',
  'plain-pass',
  '%2Fenc%40ded',
  'sp ace pw',
]
describe('a password in a kafka:// URL is refused and never shown', () => {
  const shapes: Array<[string, (pw: string) => string]> = [
    ['user:pw@host', (pw) => `kafka://u:${pw}@host:9092/gracedb.test`],
    ['user:pw@host without topic', (pw) => `kafka://alice:${pw}@host`],
    ['empty user', (pw) => `kafka://:${pw}@host/t`],
    ['two brokers', (pw) => `kafka://u:${pw}@a:9092,b:9093/t`],
    ['uppercase scheme', (pw) => `KAFKA://u:${pw}@host/t`],
    ['wrong scheme', (pw) => `https://u:${pw}@host/t`],
    ['surrounding spaces', (pw) => `  kafka://u:${pw}@host/t  `],
  ]
  for (const [shape, url] of shapes) {
    it.each(PASSWORDS)(`${shape}: %s`, (pw) => {
      const err = thrownBy(() => parseKafkaUrl(url(pw)))
      expect(err.input).toContain('***')
      expectNoLeak(err, [pw])
    })
  }
})

describe('bad kafka:// URLs', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['no scheme', 'host:9092/t', /expected "kafka:\/\//],
    ['empty', '', /expected "kafka:\/\//],
    ['other scheme', 'http://host/t', /unsupported scheme "http"/],
    ['empty scheme', '://host/t', /missing scheme/],
    ['no host', 'kafka:///t', /missing host/],
    ['empty user', 'kafka://@host/t', /empty user name/],
    ['user with space', 'kafka://a b@host/t', /whitespace/],
    ['query', 'kafka://host/t?x=1', /query or fragment/],
    ['fragment', 'kafka://host/t#frag', /query or fragment/],
    ['port 0', 'kafka://host:0/t', /bad port "0"/],
    ['port 65536', 'kafka://host:65536/t', /bad port/],
    ['port not a number', 'kafka://host:http/t', /bad port "http"/],
    ['empty port', 'kafka://host:/t', /bad port ""/],
    ['negative port', 'kafka://host:-1/t', /bad port/],
    ['unbracketed IPv6', 'kafka://::1:9092/t', /brackets/],
    ['unclosed bracket', 'kafka://[::1:9092/t', /missing "\]"/],
    ['not IPv6 in brackets', 'kafka://[host]:9092/t', /not an IPv6/],
    ['junk after bracket', 'kafka://[::1]x/t', /after "\]"/],
    ['host with underscore-ok but slash', 'kafka://ho$t/t', /contains "\$"/],
    ['empty broker in list', 'kafka://a:1,,b:2/t', /broker 2/],
    ['trailing comma in brokers', 'kafka://a:1,/t', /broker 2/],
    ['bad topic', 'kafka://host/gst lal', /contains " "/],
    ['empty topic in list', 'kafka://host/a,,b', /a topic in the list is empty/],
    ['topic "."', 'kafka://host/.', /not allowed/],
    ['topic too long', `kafka://host/${'t'.repeat(250)}`, /at most 249/],
    ['topic with slash', 'kafka://host/a/b', /contains "\/"/],
  ]
  it.each(cases)('%s', (_name, url, message) => {
    const err = thrownBy(() => parseKafkaUrl(url))
    expect(err.input).toBe(url.trim())
    expect(err.message).toMatch(message)
  })
})
