import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidOptionError } from './errors.js'
import { connectionOptionsSchema, parseOptions } from './options.js'

const parse = (bootstrapServers: unknown) =>
  parseOptions(connectionOptionsSchema, { bootstrapServers, instanceName: 'gracedb-dev' }, 'Fuzz')

const piece = fc.oneof(
  fc.constantFrom(
    'kafka',
    'a.b',
    '10.0.0.1',
    '[::1]',
    '[fe80::1]',
    '::1',
    '',
    ' ',
    ':',
    ',',
    '@',
    'u:pw@',
    '[',
    ']',
  ),
  fc.integer({ min: -1, max: 70_000 }).map(String),
  fc.string({ maxLength: 8 }),
)
const text = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''))

describe('bootstrapServers (fuzz)', () => {
  it('any string or list gives valid addresses or an InvalidOptionError naming bootstrapServers', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.array(text, { maxLength: 4 })), (value) => {
        try {
          const { bootstrapServers } = parse(value)
          expect(bootstrapServers.length).toBeGreaterThan(0)
          for (const b of bootstrapServers) {
            expect(b.host).not.toBe('')
            expect(Number.isInteger(b.port) && b.port >= 1 && b.port <= 65535).toBe(true)
          }
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidOptionError)
          expect((err as InvalidOptionError).option).toBe('bootstrapServers')
        }
      }),
      { numRuns: 3000 },
    )
  })

  it('a password in user info never reaches the message', () => {
    const password = fc.string({ unit: fc.constantFrom(...'Pw5-_.!xyz'), minLength: 6, maxLength: 16 })
    fc.assert(
      fc.property(password, text, (pw, rest) => {
        try {
          parse(`alice:${pw}@kafka:9092${rest}`)
        } catch (err) {
          expect((err as Error).message).not.toContain(pw)
          return
        }
        throw new Error('an address with user info was accepted')
      }),
      { numRuns: 1000 },
    )
  })
})
