// Fuzzing (fast-check, 10,000 runs each): the topic utilities and the kafka:// URL parser either return or throw
// TopicNameError, never anything else, never hang, and never echo a URL's password.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TopicNameError } from './errors.js'
import { deriveInstanceName } from './instance.js'
import { parseKafkaUrl } from './kafka-url.js'
import { routeEventPipeline, routeEventTopic } from './route.js'
import { makeTopicName, parseTopicName } from './topic-name.js'

const RUNS = { numRuns: 10_000 }

/** Run `fn`; true when it returned or threw a TopicNameError with the documented code and a string input. */
function onlyTopicNameError(fn: () => unknown): boolean {
  try {
    fn()
    return true
  } catch (err) {
    return (
      err instanceof TopicNameError && err.code === 'ERR_GRACEDB_KAFKA_TOPIC' && typeof err.input === 'string'
    )
  }
}

// Anything a caller could pass, strings weighted up; an object whose toString throws included.
const anyInput = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.anything() },
  { weight: 1, arbitrary: fc.constant(Object.create(null)) },
  {
    weight: 1,
    arbitrary: fc.constant({
      toString() {
        throw new Error('no')
      },
    }),
  },
)
const URL_CHARS = 'abcxyz0189.-_:/@,[]?#% '.split('')
const urlish = fc.oneof(
  fc.string({ unit: fc.constantFrom(...URL_CHARS), maxLength: 60 }).map((s) => `kafka://${s}`),
  fc.string({ unit: fc.constantFrom(...URL_CHARS), maxLength: 60 }),
  fc.webUrl().map((u) => u.replace(/^https?/, 'kafka')),
)

describe('topic utilities (fuzz)', () => {
  it('makeTopicName takes anything and throws only TopicNameError', () => {
    fc.assert(
      fc.property(anyInput, anyInput, (a, b) =>
        onlyTopicNameError(() => makeTopicName(a as string, b as string)),
      ),
      RUNS,
    )
  })
  it('parseTopicName takes anything and throws only TopicNameError', () => {
    fc.assert(
      fc.property(anyInput, (t) => onlyTopicNameError(() => parseTopicName(t as string))),
      RUNS,
    )
  })
  it('deriveInstanceName takes anything and throws only TopicNameError', () => {
    fc.assert(
      fc.property(fc.oneof(anyInput, fc.webUrl(), urlish), (u) =>
        onlyTopicNameError(() => deriveInstanceName(u as string)),
      ),
      RUNS,
    )
  })
  it('routeEventTopic / routeEventPipeline take anything and throw only TopicNameError', () => {
    fc.assert(
      fc.property(
        anyInput,
        anyInput,
        anyInput,
        (i, g, p) =>
          onlyTopicNameError(() => routeEventTopic(i as string, g as string, p as string)) &&
          onlyTopicNameError(() => routeEventPipeline(g as string, p as string)),
      ),
      RUNS,
    )
  })
  it('a name that makeTopicName accepts parses back', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (i, p) => {
        let topic: string
        try {
          topic = makeTopicName(i, p)
        } catch (err) {
          return err instanceof TopicNameError
        }
        const [instance, pipeline] = parseTopicName(topic)
        return instance === i && pipeline === p
      }),
      RUNS,
    )
  })
})

describe('kafka:// URL parser (fuzz)', () => {
  it('takes anything and throws only TopicNameError', () => {
    fc.assert(
      fc.property(fc.oneof(anyInput, urlish), (u) => onlyTopicNameError(() => parseKafkaUrl(u as string))),
      RUNS,
    )
  })

  it('a parsed URL has brokers host:port with ports 1-65535 and legal topics', () => {
    fc.assert(
      fc.property(urlish, (u) => {
        let parsed: ReturnType<typeof parseKafkaUrl>
        try {
          parsed = parseKafkaUrl(u)
        } catch (err) {
          return err instanceof TopicNameError
        }
        return (
          parsed.brokers.length > 0 &&
          parsed.brokers.every((b) => b.host !== '' && b.port >= 1 && b.port <= 65535) &&
          parsed.topics.every((t) => /^[A-Za-z0-9._-]{1,249}$/.test(t))
        )
      }),
      RUNS,
    )
  })

  it('a password is refused and appears nowhere in the error, whatever it contains', () => {
    const password = fc
      .string({ unit: fc.constantFrom(...'abcXYZ019/:@?#%,[] .-_!'.split('')), minLength: 4, maxLength: 24 })
      .filter((p) => p.trim().length >= 4)
      // The test must be able to tell the password from the rest of the URL.
      .map((p) => `Q${p}Q`)
    const before = fc.constantFrom('kafka://u:', 'KAFKA://alice:', 'kafka://:', 'https://u:', 'u:')
    const after = fc.constantFrom(
      '@host',
      '@host:9092/t',
      '@a:1,b:2/x,y',
      '@[::1]:9092/t',
      '@',
      '@host/bad topic',
    )
    fc.assert(
      fc.property(before, password, after, (b, pw, a) => {
        try {
          parseKafkaUrl(`${b}${pw}${a}`)
        } catch (err) {
          if (!(err instanceof TopicNameError)) return false
          const texts = [err.message, err.input, String(err.stack), JSON.stringify(err)]
          return texts.every((t) => !t.includes(pw))
        }
        return false
      }),
      RUNS,
    )
  })
})

it('the properties above ran (sanity: a known password case is caught)', () => {
  expect(() => parseKafkaUrl('kafka://u:Pa55/w0rd@host/topic')).toThrow(TopicNameError)
  try {
    parseKafkaUrl('kafka://u:Pa55/w0rd@host/topic')
  } catch (err) {
    expect((err as TopicNameError).message).not.toContain('Pa55/w0rd')
    expect((err as TopicNameError).input).toBe('kafka://u:***@host/topic')
  }
})
