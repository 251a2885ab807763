// Fuzzing (fast-check, 10,000 runs): resolving flags, environment and kafka:// URLs either gives settings or
// throws UsageError, and TLS is off only when asked for in one of the documented spellings.
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { UsageError } from './errors.js'
import { ENV, resolveConnection } from './settings.js'

const FALSE_SPELLINGS = new Set(['0', 'false', 'no'])
const value = fc.oneof(
  fc.constantFrom(
    '',
    '1',
    '0',
    'true',
    'FALSE',
    'Yes',
    'no',
    'ture',
    'on',
    'off',
    ' 0 ',
    'h:9092',
    'kafka://h/t',
  ),
  fc.string({ maxLength: 12 }),
)
const maybe = fc.option(value, { nil: undefined })

describe('settings resolution (fuzz)', () => {
  it('throws only UsageError, and TLS is off only when explicitly asked for', () => {
    fc.assert(
      fc.property(
        fc.record({
          bootstrapServers: maybe,
          url: fc.option(fc.constantFrom('kafka://h:1/t', 'kafka://u:Pw55@h/t', 'https://h/t', 'kafka://'), {
            nil: undefined,
          }),
          instanceName: maybe,
          ssl: fc.option(fc.boolean(), { nil: undefined }),
        }),
        fc.record({
          [ENV.useSsl]: maybe,
          [ENV.skipHostnameVerification]: maybe,
          [ENV.bootstrapServers]: maybe,
        }),
        (flags, env) => {
          const cleanFlags = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined))
          const cleanEnv = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined))
          try {
            const c = resolveConnection({ instanceName: 'i', ...cleanFlags }, cleanEnv, [])
            const envSsl = cleanEnv[ENV.useSsl]?.trim().toLowerCase()
            return c.useSsl || flags.ssl === false || (envSsl !== undefined && FALSE_SPELLINGS.has(envSsl))
          } catch (err) {
            return err instanceof UsageError
          }
        },
      ),
      { numRuns: 10_000 },
    )
  })
})
