import { describe, expect, it } from 'vitest'
import { EventStore, type StoredEvent } from './store.js'

function stored(graceid: string, filename = 'coinc.xml'): StoredEvent {
  return {
    graceid,
    group: 'CBC',
    pipeline: 'gstlal',
    search: null,
    labels: [],
    offline: false,
    filename,
    contents: new Uint8Array([1, 2, 3]),
    via: 'kafka',
    submitter: 'tester',
    contentId: null,
    replayId: null,
    kafkaServer: null,
    kafkaTopic: null,
    reserved: true,
    created: new Date(0),
  }
}

describe('EventStore', () => {
  it('hands out G<n> in order and finds each stored event by graceid among many', () => {
    const store = new EventStore(1000)
    const ids = Array.from({ length: 5000 }, () => store.nextGraceId())
    expect(ids.slice(0, 3)).toEqual(['G1000', 'G1001', 'G1002'])
    for (const id of ids) store.add(stored(id))
    expect(store.events).toHaveLength(5000)
    expect(store.find('G5999')?.graceid).toBe('G5999')
    expect(store.find('G1000')?.graceid).toBe('G1000')
    expect(store.find('G6000')).toBeUndefined()
  })

  it('keeps the first event stored under a graceid for find(), as before', () => {
    const store = new EventStore(1)
    store.add(stored('G1', 'first.xml'))
    store.add(stored('G1', 'second.xml'))
    expect(store.find('G1')?.filename).toBe('first.xml')
    expect(store.events.map((e) => e.filename)).toEqual(['first.xml', 'second.xml'])
  })

  it('completes a reservation on add and wakes a waiter, which otherwise times out naming the graceid', async () => {
    const store = new EventStore(1)
    store.reservations.set('G7', {
      graceid: 'G7',
      group: 'CBC',
      pipeline: 'gstlal',
      search: null,
      submitter: 'tester',
      contentId: null,
      replayId: null,
      created: new Date(0),
    })
    const waiting = store.waitFor('G7', 10_000)
    store.add(stored('G7'))
    expect((await waiting).graceid).toBe('G7')
    expect(store.reservations.has('G7')).toBe(false)
    await expect(store.waitFor('G7', 1)).resolves.toMatchObject({ graceid: 'G7' })
    await expect(store.waitFor('G8', 1)).rejects.toThrow('event G8 did not arrive within 1 ms')
  })
})
