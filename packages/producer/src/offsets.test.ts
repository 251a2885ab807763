import { describe, expect, it } from 'vitest'
import { placeMessages } from './offsets.js'

describe('placeMessages', () => {
  it('gives each message baseOffset + its index within its partition', () => {
    const placed = placeMessages(
      't',
      [0, 1, 0, 0, 1],
      [
        { topicName: 't', partition: 1, errorCode: 0, baseOffset: '100', logAppendTime: '-1' },
        { topicName: 't', partition: 0, errorCode: 0, baseOffset: '7', logAppendTime: '-1' },
      ],
    )
    expect(placed.map((p) => [p.partition, p.offset])).toEqual([
      [0, 7],
      [1, 100],
      [0, 8],
      [0, 9],
      [1, 101],
    ])
    expect(placed[0]?.logAppendTime).toBe(-1)
  })

  it('reports -1 when the broker gave no offset, and the append time when it did', () => {
    expect(placeMessages('t', [0], [])[0]?.offset).toBe(-1)
    const p = placeMessages(
      't',
      [2],
      [{ topicName: 't', partition: 2, errorCode: 0, baseOffset: '5', logAppendTime: '1700000000000' }],
    )
    expect(p[0]).toEqual({ partition: 2, offset: 5, logAppendTime: 1700000000000 })
  })
})
