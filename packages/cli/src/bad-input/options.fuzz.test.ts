// Fuzzing (fast-check, 10,000 runs each): the option schemas of the producer, the consumer and the shared
// connection options accept or throw InvalidOptionError naming a key of the input, never anything else, and
// never echo a registered secret.

import { parseConsumerOptions } from '@gracedb-kafka/consumer'
import {
  connectionOptionsSchema,
  InvalidOptionError,
  parseOptions,
  registerSecret,
} from '@gracedb-kafka/core'
import { parseProducerOptions } from '@gracedb-kafka/producer'
import fc from 'fast-check'
import { describe, it } from 'vitest'

const RUNS = { numRuns: 10_000 }
const SECRET = 'fuzz-Secret-Pa55word'
registerSecret(SECRET)

const KEYS = [
  'bootstrapServers',
  'instanceName',
  'serviceUrl',
  'useSsl',
  'caCertPath',
  'skipHostnameVerification',
  'tokenScope',
  'tokenAudience',
  'reloadCred',
  'reloadBuffer',
  'clientId',
  'topic',
  'topics',
  'flushTimeout',
  'groupId',
  'autoOffsetReset',
  'kafkaConfig',
  'bootstrap_servers',
  'instancename',
  SECRET,
]
const goodish = fc.constantFrom(
  'kafka.example.org:9092',
  'gracedb-dev',
  'https://gracedb-dev.ligo.org/api/',
  'kafka.produce',
  'read',
  'gst lal',
  `u:${SECRET}@h:9092`,
  `kafka://u:${SECRET}@h/t`,
  SECRET,
  true,
  false,
  0,
  -1,
  1e9,
  Number.NaN,
  null,
  [],
  ['gstlal'],
  { 'linger.ms': -1 },
)
const value = fc.oneof(
  { weight: 3, arbitrary: goodish },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
)
const options = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 6 }) },
  {
    weight: 3,
    arbitrary: fc
      .dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 4 })
      .map((o) => ({ bootstrapServers: 'k:9092', instanceName: 'gracedb-dev', ...o })),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
)

type Parser = (input: unknown) => unknown
const PARSERS: Array<[string, Parser]> = [
  ['the producer', (i) => parseProducerOptions(i as never)],
  ['the consumer', (i) => parseConsumerOptions(i as never)],
  ['the shared schema', (i) => parseOptions(connectionOptionsSchema, i, 'Fuzz')],
]

/** True when `err` is InvalidOptionError naming "(options)" or a path that starts at a key of `input`. */
function named(err: unknown, input: unknown): boolean {
  if (!(err instanceof InvalidOptionError) || err.code !== 'ERR_GRACEDB_KAFKA_INVALID_OPTION') return false
  if ([err.message, err.option, String(err.stack)].some((t) => t.includes(SECRET))) return false
  if (err.option === '(options)') return true
  const top = err.option.split('.')[0] ?? ''
  const shape = [
    'bootstrapServers',
    'instanceName',
    'serviceUrl',
    'tokenScope',
    'topic',
    'topics',
    'kafkaConfig',
  ]
  const keys = typeof input === 'object' && input !== null ? Object.keys(input) : []
  // Redacted keys are shown as [REDACTED]; a missing required key is named although absent.
  return (
    keys.includes(top) ||
    shape.includes(top) ||
    top === '[REDACTED]' ||
    keys.some((k) => err.option.startsWith(k))
  )
}

describe.each(PARSERS)('option schema of %s (fuzz)', (_who, parse) => {
  it('accepts or throws InvalidOptionError naming a key, never echoing a secret', () => {
    fc.assert(
      fc.property(options, (input) => {
        try {
          parse(input)
          return true
        } catch (err) {
          return named(err, input)
        }
      }),
      RUNS,
    )
  })
})
