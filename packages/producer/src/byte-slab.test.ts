import { describe, expect, it } from 'vitest'
import { ByteSlab } from './byte-slab.js'
import { pythonJsonBytes } from './python-json.js'

describe('ByteSlab', () => {
  it('gives the same bytes as Buffer.from, for JSON bytes (a copy, not a view) and for any UTF-8 text', () => {
    const slab = new ByteSlab()
    const value = { name: 'Zoë 🚀', far: 1.5e-7, lone: '\ud800', del: '\u007f' }
    const copied = pythonJsonBytes(value, (b) => slab.copy(b))
    const expected = pythonJsonBytes(value, (b) => Buffer.from(b))
    pythonJsonBytes({ other: 'x'.repeat(100) }, () => {}) // the writer reuses its buffer: the copy must not change
    expect(copied.equals(expected)).toBe(true)
    for (const text of ['', 'é', 'éa', 'a🚀b', '\ud800x', 'plain']) {
      expect(slab.utf8(text).equals(Buffer.from(text, 'utf8'))).toBe(true)
    }
  })

  it('never lets two values overlap, across slab boundaries and for large values', () => {
    const slab = new ByteSlab()
    const texts = Array.from({ length: 3000 }, (_, i) => `${i}:${'x'.repeat(i % 900)}${'é'.repeat(i % 7)}`)
    texts.push('y'.repeat(200_000), 'z'.repeat(70_000))
    const views = texts.map((t, i) =>
      i % 2 === 0 ? slab.utf8(t) : slab.copy(Buffer.from(t.replace(/é/g, 'e'), 'latin1')),
    )
    views.forEach((v, i) => {
      const t = texts[i]!
      expect(v.toString('utf8')).toBe(i % 2 === 0 ? t : t.replace(/é/g, 'e'))
    })
  })
})
