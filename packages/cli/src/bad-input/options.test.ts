// Bad options for the producer, the consumer and the shared connection schema: each gives InvalidOptionError
// (code ERR_GRACEDB_KAFKA_INVALID_OPTION) whose `option` names the exact key, never a raw TypeError, and no
// secret value is echoed.

import { parseConsumerOptions } from '@gracedb-kafka/consumer'
import {
  connectionOptionsSchema,
  InvalidOptionError,
  parseOptions,
  registerSecret,
  secondsToMs,
} from '@gracedb-kafka/core'
import { parseProducerOptions } from '@gracedb-kafka/producer'
import { describe, expect, it } from 'vitest'
import { expectNoLeak } from '../testing/leaks.js'

const base = { bootstrapServers: 'kafka.example.org:9092', instanceName: 'gracedb-dev' }

type Parser = (input: unknown) => unknown
const PARSERS: Array<[string, Parser]> = [
  ['producer', (i) => parseProducerOptions(i as never)],
  ['consumer', (i) => parseConsumerOptions(i as never)],
  ['shared schema', (i) => parseOptions(connectionOptionsSchema, i, 'Test')],
]

function optionError(parse: Parser, input: unknown): InvalidOptionError {
  try {
    parse(input)
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidOptionError)
    expect((err as InvalidOptionError).code).toBe('ERR_GRACEDB_KAFKA_INVALID_OPTION')
    return err as InvalidOptionError
  }
  throw new Error('expected an InvalidOptionError')
}

const throwingGetter = Object.defineProperty({ ...base }, 'useSsl', {
  enumerable: true,
  get() {
    throw new Error('getter exploded')
  },
})

/** [name, input, option named, message pattern]: the same for all three parsers. */
const SHARED: Array<[string, unknown, string, RegExp]> = [
  ['null', null, '(options)', /expected an options object/],
  ['a string', 'kafka:9092', '(options)', /expected an options object/],
  ['a number', 42, '(options)', /expected an options object/],
  ['an array', [base], '(options)', /expected an options object/],
  ['a getter that throws', throwingGetter, '(options)', /could not be read/],
  ['no servers', { instanceName: 'x' }, 'bootstrapServers', /host:port/],
  ['empty servers', { ...base, bootstrapServers: '' }, 'bootstrapServers', /at least one/],
  ['only commas', { ...base, bootstrapServers: ' , ,' }, 'bootstrapServers', /at least one/],
  ['servers a number', { ...base, bootstrapServers: 9092 }, 'bootstrapServers', /host:port/],
  ['servers null', { ...base, bootstrapServers: null }, 'bootstrapServers', /host:port/],
  ['servers an object', { ...base, bootstrapServers: { host: 'h' } }, 'bootstrapServers', /host:port/],
  ['servers array of numbers', { ...base, bootstrapServers: [1] }, 'bootstrapServers', /host:port/],
  ['no port', { ...base, bootstrapServers: 'kafka' }, 'bootstrapServers', /port from 1 to 65535/],
  ['port 0', { ...base, bootstrapServers: 'kafka:0' }, 'bootstrapServers', /port from 1/],
  ['port 70000', { ...base, bootstrapServers: 'kafka:70000' }, 'bootstrapServers', /port from 1/],
  ['a URL', { ...base, bootstrapServers: 'https://kafka:9092' }, 'bootstrapServers', /host:port/],
  ['unbracketed IPv6', { ...base, bootstrapServers: '::1:9092' }, 'bootstrapServers', /host:port/],
  ['empty host', { ...base, bootstrapServers: ':9092' }, 'bootstrapServers', /host:port/],
  ['a space in host', { ...base, bootstrapServers: 'ka fka:9092' }, 'bootstrapServers', /host:port/],
  ['user info', { ...base, bootstrapServers: 'u:Pw55-word@kafka:9092' }, 'bootstrapServers', /user info/],
  ['neither instance nor URL', { bootstrapServers: 'k:1' }, 'instanceName', /exactly one/],
  ['both instance and URL', { ...base, serviceUrl: 'https://g.org/api/' }, 'serviceUrl', /not both/],
  ['empty instance', { ...base, instanceName: '' }, 'instanceName', /non-empty/],
  ['instance with a dot', { ...base, instanceName: 'gracedb.dev' }, 'instanceName', /no dot/],
  ['instance with a space', { ...base, instanceName: 'grace db' }, 'instanceName', /instance name/],
  [
    'service URL with an IPv6 host',
    { bootstrapServers: 'k:1', serviceUrl: 'https://[::1]/api/' },
    'serviceUrl',
    /first label/,
  ],
  [
    'service URL with an empty first label',
    { bootstrapServers: 'k:1', serviceUrl: 'https://.ligo.org/' },
    'serviceUrl',
    /first label/,
  ],
  ['instance a number', { ...base, instanceName: 5 }, 'instanceName', /./],
  ['service URL not a URL', { bootstrapServers: 'k:1', serviceUrl: 'gracedb' }, 'serviceUrl', /absolute URL/],
  ['service URL a number', { bootstrapServers: 'k:1', serviceUrl: 7 }, 'serviceUrl', /./],
  ['useSsl a string', { ...base, useSsl: 'ture' }, 'useSsl', /true or false/],
  ['useSsl "false"', { ...base, useSsl: 'false' }, 'useSsl', /true or false/],
  ['useSsl 0', { ...base, useSsl: 0 }, 'useSsl', /true or false/],
  ['useSsl null', { ...base, useSsl: null }, 'useSsl', /true or false/],
  [
    'skipHostnameVerification "yes"',
    { ...base, skipHostnameVerification: 'yes' },
    'skipHostnameVerification',
    /true or false/,
  ],
  [
    'skipHostnameVerification 1',
    { ...base, skipHostnameVerification: 1 },
    'skipHostnameVerification',
    /true or false/,
  ],
  ['caCertPath empty', { ...base, caCertPath: '' }, 'caCertPath', /PEM/],
  ['caCertPath a number', { ...base, caCertPath: 1 }, 'caCertPath', /PEM/],
  ['tokenScope a number', { ...base, tokenScope: 1 }, 'tokenScope', /scope/],
  ['tokenScope "read" without a path', { ...base, tokenScope: 'read' }, 'tokenScope', /needs a path/],
  [
    'tokenScope "write" without a path',
    { ...base, tokenScope: 'kafka.produce write' },
    'tokenScope',
    /needs a path/,
  ],
  ['tokenScope with a relative path', { ...base, tokenScope: 'read:gracedb' }, 'tokenScope', /absolute/],
  ['tokenScope only spaces', { ...base, tokenScope: '   ' }, 'tokenScope', /at least one scope/],
  ['tokenAudience empty', { ...base, tokenAudience: '' }, 'tokenAudience', /./],
  ['tokenAudience a list', { ...base, tokenAudience: ['a'] }, 'tokenAudience', /audience/],
  ['reloadCred "true"', { ...base, reloadCred: 'true' }, 'reloadCred', /true or false/],
  ['reloadBuffer negative', { ...base, reloadBuffer: -1 }, 'reloadBuffer', />= 0/],
  ['reloadBuffer NaN', { ...base, reloadBuffer: Number.NaN }, 'reloadBuffer', /./],
  ['reloadBuffer Infinity', { ...base, reloadBuffer: Number.POSITIVE_INFINITY }, 'reloadBuffer', /./],
  ['reloadBuffer a string', { ...base, reloadBuffer: '300' }, 'reloadBuffer', /seconds/],
  ['clientId empty', { ...base, clientId: '' }, 'clientId', /./],
  [
    'snake_case key',
    { ...base, bootstrap_servers: 'k:1' },
    'bootstrap_servers',
    /did you mean "bootstrapServers"/,
  ],
  [
    'snake_case instance',
    { bootstrapServers: 'k:1', instance_name: 'x' },
    'instance_name',
    /did you mean "instanceName"/,
  ],
  ['lowercase key', { ...base, usessl: false }, 'usessl', /did you mean "useSsl"/],
  ['a typo', { ...base, caCertPth: '/ca.pem' }, 'caCertPth', /did you mean "caCertPath"/],
  ['python name use_ssl', { ...base, use_ssl: false }, 'use_ssl', /did you mean "useSsl"/],
  [
    'python name reload_buffer',
    { ...base, reload_buffer: 1 },
    'reload_buffer',
    /did you mean "reloadBuffer"/,
  ],
  ['a typo of tokenScope', { ...base, tokenScop: 'x' }, 'tokenScop', /did you mean "tokenScope"/],
  ['an unrelated key', { ...base, zzzzzz: 1 }, 'zzzzzz', /unknown option "zzzzzz"$/],
  [
    'the __proto__ key',
    JSON.parse('{"bootstrapServers":"k:1","instanceName":"i","__proto__":{"x":1}}'),
    '__proto__',
    /unknown option/,
  ],
  ['a very long key', { ...base, ['k'.repeat(500)]: 1 }, 'k'.repeat(500), /unknown option "k{60}…"/],
]

describe.each(PARSERS)('bad options: %s', (_who, parse) => {
  it.each(SHARED)('%s', (_name, input, option, message) => {
    const err = optionError(parse, input)
    expect(err.option).toBe(option)
    expect(err.message).toMatch(message)
  })
})

const LONG = 'p'.repeat(245)
describe('producer-only options', () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['topic empty', { ...base, topic: '' }, 'topic', /non-empty/],
    ['topic with a space', { ...base, topic: 'gst lal' }, 'topic', /pipeline name of/],
    ['topic too long once namespaced', { ...base, topic: LONG }, 'topic', /at most 249/],
    [
      'topic too long with a service URL',
      { bootstrapServers: 'k:1', serviceUrl: 'https://gracedb.ligo.org/', topic: LONG },
      'topic',
      /at most 249/,
    ],
    ['flushTimeout negative', { ...base, flushTimeout: -5 }, 'flushTimeout', />= 0/],
    ['flushTimeout a string', { ...base, flushTimeout: '10' }, 'flushTimeout', /seconds/],
    ['flushTimeout Infinity', { ...base, flushTimeout: Number.POSITIVE_INFINITY }, 'flushTimeout', /seconds/],
    [
      'guaranteedDelivery "yes"',
      { ...base, guaranteedDelivery: 'yes' },
      'guaranteedDelivery',
      /true or false/,
    ],
    ['kafkaConfig a string', { ...base, kafkaConfig: 'linger.ms=5' }, 'kafkaConfig', /object/],
    ['linger.ms negative', { ...base, kafkaConfig: { 'linger.ms': -1 } }, 'kafkaConfig.linger.ms', /integer/],
    ['batch.size zero', { ...base, kafkaConfig: { 'batch.size': 0 } }, 'kafkaConfig.batch.size', /integer/],
    [
      'compression rar',
      { ...base, kafkaConfig: { 'compression.type': 'rar' } },
      'kafkaConfig.compression.type',
      /./,
    ],
    [
      'unknown dotted key',
      { ...base, kafkaConfig: { 'sasl.password': 'Pw55-word' } },
      'kafkaConfig.sasl.password',
      /no equivalent/,
    ],
    ['typo topik', { ...base, topik: 'x' }, 'topik', /did you mean "topic"/],
    ['python flush_timeout', { ...base, flush_timeout: 1 }, 'flush_timeout', /did you mean "flushTimeout"/],
  ]
  it.each(cases)('%s', (_name, input, option, message) => {
    const err = optionError((i) => parseProducerOptions(i as never), input)
    expect(err.option).toBe(option)
    expect(err.message).toMatch(message)
  })
})

describe('consumer-only options', () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['topics a number', { ...base, topics: 5 }, 'topics', /pipeline/],
    ['topics with a space', { ...base, topics: ['gstlal', 'gst lal'] }, 'topics.1', /pipeline name of/],
    ['topics string with a space', { ...base, topics: 'gst lal' }, 'topics', /pipeline name of/],
    ['topics too long', { ...base, topics: [LONG] }, 'topics.0', /at most 249/],
    ['groupId empty', { ...base, groupId: '' }, 'groupId', /group id/],
    ['autoOffsetReset wrong', { ...base, autoOffsetReset: 'smallest' }, 'autoOffsetReset', /latest/],
    ['autoCommit "no"', { ...base, autoCommit: 'no' }, 'autoCommit', /true or false/],
    ['autoCommitInterval zero', { ...base, autoCommitInterval: 0 }, 'autoCommitInterval', /> 0/],
    ['maxBufferedMessages 0.5', { ...base, maxBufferedMessages: 0.5 }, 'maxBufferedMessages', /whole number/],
    [
      'maxBufferedBytes "64MB"',
      { ...base, maxBufferedBytes: '64MB' },
      'maxBufferedBytes',
      /whole number of bytes/,
    ],
    [
      'queued.max.messages.kbytes 0',
      { ...base, kafkaConfig: { 'queued.max.messages.kbytes': 0 } },
      'kafkaConfig.queued.max.messages.kbytes',
      /expected/,
    ],
    ['typo groupID', { ...base, groupID: 'g' }, 'groupID', /did you mean "groupId"/],
    [
      'python auto_offset_reset',
      { ...base, auto_offset_reset: 'earliest' },
      'auto_offset_reset',
      /did you mean "autoOffsetReset"/,
    ],
  ]
  it.each(cases)('%s', (_name, input, option, message) => {
    const err = optionError((i) => parseConsumerOptions(i as never), input)
    expect(err.option).toBe(option)
    expect(err.message).toMatch(message)
  })
})

describe('durations are validated and capped the same way', () => {
  it.each([
    ['1e7 s', 1e7, 2 ** 31 - 1],
    ['Infinity', Number.POSITIVE_INFINITY, 2 ** 31 - 1],
    ['1.5 s', 1.5, 1500],
    ['0', 0, 0],
  ])('secondsToMs(%s)', (_name, value, ms) => {
    expect(secondsToMs(value, 'requestTimeout')).toBe(ms)
  })
  it.each([
    ['negative', -1],
    ['NaN', Number.NaN],
    ['a string', '10'],
  ])('secondsToMs(%s) names the option', (_name, value) => {
    const err = optionError(() => secondsToMs(value as number, 'requestTimeout'), undefined)
    expect(err.option).toBe('requestTimeout')
  })
})

describe('no secret in an option error', () => {
  const password = 'Pw55-word-option'
  registerSecret(password)
  it.each(PARSERS)('%s: a password in the servers', (_who, parse) => {
    expectNoLeak(optionError(parse, { ...base, bootstrapServers: `u:${password}@kafka:9092` }), [password])
  })
  it.each(PARSERS)('%s: a password as a key', (_who, parse) => {
    expectNoLeak(optionError(parse, { ...base, [password]: 1 }), [password])
  })
})
