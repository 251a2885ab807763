import { describe, expect, it } from 'vitest'
import { generateGroupId } from './group-id.js'

describe('generateGroupId', () => {
  it('has the reference format gracedb-client-<8 hex>', () => {
    expect(generateGroupId()).toMatch(/^gracedb-client-[0-9a-f]{8}$/)
  })
  it('differs between consumers, even created in the same instant of one process', () => {
    expect(generateGroupId(1_700_000_000_000)).not.toBe(generateGroupId(1_700_000_000_000))
    const ids = new Set(Array.from({ length: 1000 }, () => generateGroupId()))
    expect(ids.size).toBe(1000)
  })
})
