import { describe, expect, it } from 'vitest'
import { parseBooleanEnv } from './env-values.js'
import { UsageError } from './errors.js'

describe('parseBooleanEnv', () => {
  it.each([
    ['1', true],
    ['true', true],
    ['TRUE', true],
    [' Yes ', true],
    ['0', false],
    ['false', false],
    ['No', false],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %s', (value, expected) => {
    expect(parseBooleanEnv('X_FLAG', value)).toBe(expected)
  })

  it.each(['ture', 'on', 'off', 'y', 'n', '2', 'enable', 'truee'])(
    '%j is a usage error naming the variable',
    (v) => {
      let err: unknown
      try {
        parseBooleanEnv('GRACEDB_KAFKA_USE_SSL', v)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(UsageError)
      expect((err as Error).message).toContain(`GRACEDB_KAFKA_USE_SSL=${JSON.stringify(v)} is not a boolean`)
    },
  )
})
