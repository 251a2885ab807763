import type { KafkaMessage } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import type { BufferedEntry } from './back-pressure.js'
import { type StreamHost, streamEntries } from './stream-loop.js'

const entry = (offset: number): BufferedEntry => ({
  topic: 't',
  partition: 0,
  message: { offset: String(offset) } as KafkaMessage,
  epoch: 0,
  bytes: 0,
})

/** A host over a fixed list of entries that records what the loop reports. */
function host(entries: BufferedEntry[], start: () => Promise<unknown> = async () => {}) {
  const log: string[] = []
  let stop: (() => void) | undefined
  const h: StreamHost = {
    ensureStarted: start,
    check: () => {},
    next: async (_ms, signal) => {
      const e = entries.shift()
      if (e !== undefined) return e
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
      return null
    },
    handedOut: (e) => log.push(`done ${e.message.offset}`),
    onStop: (end) => {
      stop = end
      return () => {
        stop = undefined
      }
    },
    finish: async () => {
      log.push('finish')
    },
  }
  return { h, log, stop: () => stop?.() }
}

const settings = { waitMs: 1000, count: undefined, signal: undefined, gracedb: false, onInvalid: undefined }

describe('streamEntries', () => {
  it('counts a message as handed out only when the next one is asked for, or when the loop ends', async () => {
    const { h, log } = host([entry(0), entry(1), entry(2)])
    for await (const e of streamEntries(h, settings)) {
      log.push(`got ${e.message.offset}`)
      if (e.message.offset === '1') break
    }
    expect(log).toEqual(['got 0', 'done 0', 'got 1', 'done 1', 'finish'])
  })

  it('ends after count, on stop() while waiting, and on an aborted signal', async () => {
    const a = host([entry(0), entry(1), entry(2)])
    const got: string[] = []
    for await (const e of streamEntries(a.h, { ...settings, count: 2 })) got.push(e.message.offset)
    expect(got).toEqual(['0', '1'])

    const b = host([entry(0)])
    const seen: string[] = []
    for await (const e of streamEntries(b.h, settings)) {
      seen.push(e.message.offset)
      setTimeout(b.stop, 10) // the loop is now waiting for a message that never comes
    }
    expect(seen).toEqual(['0'])
    expect(b.log.at(-1)).toBe('finish')

    const c = host([entry(0)])
    const none: unknown[] = []
    for await (const e of streamEntries(c.h, { ...settings, signal: AbortSignal.abort() })) none.push(e)
    expect(none).toEqual([])
  })

  it('a failed start is thrown, unless the stream was stopped meanwhile (then it just ends)', async () => {
    const failing = host([], () => Promise.reject(new Error('cannot connect')))
    const run = async () => {
      for await (const _ of streamEntries(failing.h, settings)) {
        // nothing
      }
    }
    await expect(run()).rejects.toThrow('cannot connect')

    let reject: (err: Error) => void = () => {}
    const pending = host([], () => new Promise((_, r) => (reject = r)))
    const it = streamEntries(pending.h, settings)
    const first = it.next()
    await new Promise((r) => setTimeout(r, 10))
    pending.stop() // close() stops streams, then the start rejects with "closed"
    reject(new Error('the consumer is closed'))
    await expect(first).resolves.toEqual({ done: true, value: undefined })
  })

  it('maps each entry as it yields it, taking buffered entries without waiting (tryNext)', async () => {
    const buffered = [entry(0), entry(1)]
    const { h, log } = host([entry(2)])
    let waits = 0
    const next = h.next
    h.tryNext = () => buffered.shift()
    h.next = (ms, signal) => {
      waits++
      return next(ms, signal)
    }
    const got: string[] = []
    for await (const offset of streamEntries(h, { ...settings, count: 3 }, (e) => `#${e.message.offset}`)) {
      got.push(offset)
    }
    expect(got).toEqual(['#0', '#1', '#2'])
    expect(waits).toBe(1) // only once the buffer was empty
    expect(log).toEqual(['done 0', 'done 1', 'done 2', 'finish'])
  })

  it('a busy stream lets the event loop run (socket reads, timers) while the buffer still has entries', async () => {
    const buffered = Array.from({ length: 500 }, (_, i) => entry(i))
    const { h } = host([])
    h.tryNext = () => buffered.shift()
    let consumedWhenTurned: number | undefined
    let consumed = 0
    setImmediate(() => {
      consumedWhenTurned = consumed
    })
    for await (const _ of streamEntries(h, { ...settings, count: 500 })) consumed++
    expect(consumed).toBe(500)
    // without turns the whole buffer would be drained in one run of microtasks before the immediate ran
    expect(consumedWhenTurned).toBeGreaterThan(0)
    expect(consumedWhenTurned).toBeLessThan(500)
  })
})
