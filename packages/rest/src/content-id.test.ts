import { describe, expect, it } from 'vitest'
import { contentId } from './content-id.js'

describe('contentId', () => {
  it('matches the Python reference (uuid.UUID(bytes=sha256(data)[:16]))', () => {
    expect(contentId(new TextEncoder().encode('hello'))).toBe('2cf24dba-5fb0-a30e-26e8-3b2ac5b9e29e')
    expect(contentId(Uint8Array.from({ length: 256 }, (_, i) => i))).toBe(
      '40aff2e9-d2d8-922e-47af-d4648e696749',
    )
  })
})
