import { describe, expect, it } from 'vitest'
import { generateGroupId } from './group-id.js'

describe('generateGroupId', () => {
  it('has the reference format gracedb-client-<8 hex>', () => {
    expect(generateGroupId()).toMatch(/^gracedb-client-[0-9a-f]{8}$/)
  })
  it('differs between instants, so each consumer gets its own group', () => {
    expect(generateGroupId(1_700_000_000_000)).not.toBe(generateGroupId(1_700_000_000_001))
  })
})
