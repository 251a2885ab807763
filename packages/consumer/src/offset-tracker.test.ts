import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OffsetTracker } from './offset-tracker.js'

describe('OffsetTracker (commit bookkeeping)', () => {
  it('commits nothing that was not handed out', () => {
    const t = new OffsetTracker()
    t.assign({ 'i.a': [0, 1] })
    expect(t.pending()).toEqual([])
    t.markHandedOut('i.a', 1, 9)
    expect(t.pending()).toEqual([{ topic: 'i.a', partition: 1, offset: '10' }])
  })
  it('commits offset + 1 of the highest handed-out message, once', () => {
    const t = new OffsetTracker()
    t.markHandedOut('i.a', 0, 3)
    t.markHandedOut('i.a', 0, 5)
    t.markHandedOut('i.a', 0, 4)
    const p = t.pending()
    expect(p).toEqual([{ topic: 'i.a', partition: 0, offset: '6' }])
    t.markCommitted(p)
    expect(t.pending()).toEqual([])
    // committed up to 6: offset 5 is covered, offset 6 is not
    expect(t.entryFor('i.a', 0, 5)).toBeUndefined()
    expect(t.entryFor('i.a', 0, 6)).toEqual({ topic: 'i.a', partition: 0, offset: '7' })
  })
  it('never moves a committed offset backwards', () => {
    const t = new OffsetTracker()
    t.markCommitted([{ topic: 'i.a', partition: 0, offset: '10' }])
    expect(t.entryFor('i.a', 0, 5)).toBeUndefined()
    expect(t.entryFor('i.a', 0, 10)).toEqual({ topic: 'i.a', partition: 0, offset: '11' })
    t.markCommitted([{ topic: 'i.a', partition: 0, offset: '4' }])
    // still committed up to 10
    expect(t.entryFor('i.a', 0, 9)).toBeUndefined()
    t.markHandedOut('i.a', 0, 8)
    expect(t.pending()).toEqual([])
  })
  it('drops bookkeeping of revoked partitions and refuses to commit them', () => {
    const t = new OffsetTracker()
    t.assign({ 'i.a': [0, 1] })
    t.markHandedOut('i.a', 0, 1)
    t.markHandedOut('i.a', 1, 1)
    t.assign({ 'i.a': [1] })
    expect(t.pending()).toEqual([{ topic: 'i.a', partition: 1, offset: '2' }])
    expect(t.isAssigned('i.a', 0)).toBe(false)
    expect(t.entryFor('i.a', 0, 7)).toBeUndefined()
  })
  it('never commits a partition revoked while the caller held one of its messages', () => {
    const t = new OffsetTracker()
    t.assign({ 'i.a': [0, 1] })
    t.markHandedOut('i.a', 0, 4)
    t.markCommitted(t.pending())
    // a rebalance gives partition 0 to another member while the caller processes offset 5 of it; the caller then
    // asks for the next message, which marks offset 5 as handed out
    t.assign({ 'i.a': [1] })
    t.markHandedOut('i.a', 0, 5)
    t.markHandedOut('i.a', 1, 2)
    expect(t.pending()).toEqual([{ topic: 'i.a', partition: 1, offset: '3' }])
    expect(t.entryFor('i.a', 0, 5)).toBeUndefined()
    // once it is assigned again, it is tracked again
    t.assign({ 'i.a': [0, 1] })
    t.markHandedOut('i.a', 0, 9)
    expect(t.pending()).toContainEqual({ topic: 'i.a', partition: 0, offset: '10' })
  })
  it('property: pending() is always the max handed-out + 1 not yet committed, per partition', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 1000 }), fc.boolean())),
        (ops) => {
          const t = new OffsetTracker()
          const maxHanded = new Map<number, number>()
          const committed = new Map<number, number>()
          for (const [p, off, commitNow] of ops) {
            t.markHandedOut('i.t', p, off)
            maxHanded.set(p, Math.max(maxHanded.get(p) ?? -1, off))
            if (commitNow) {
              const pend = t.pending()
              t.markCommitted(pend)
              for (const e of pend) committed.set(e.partition, Number(e.offset))
            }
          }
          for (const e of t.pending()) {
            expect(Number(e.offset)).toBe((maxHanded.get(e.partition) as number) + 1)
            expect(Number(e.offset)).toBeGreaterThan(committed.get(e.partition) ?? -1)
          }
        },
      ),
    )
  })

  it('a partition revoked and re-assigned is tracked afresh (no stale position from before)', () => {
    const t = new OffsetTracker()
    t.assign({ t: [0, 1] })
    t.markHandedOut('t', 0, 5)
    t.markHandedOut('t', 0, 6)
    t.assign({ t: [1] })
    t.markHandedOut('t', 0, 7) // revoked: ignored
    expect(t.pending()).toEqual([])
    t.assign({ t: [0, 1] })
    t.markHandedOut('t', 0, 3)
    t.markHandedOut('t', 1, 9)
    t.markHandedOut('t', 0, 4)
    expect(t.pending()).toEqual([
      { topic: 't', partition: 0, offset: '5' },
      { topic: 't', partition: 1, offset: '10' },
    ])
    t.suspend()
    t.markHandedOut('t', 0, 10)
    expect(t.pending()).toEqual([])
  })
})
