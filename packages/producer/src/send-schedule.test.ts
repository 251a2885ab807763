import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type Backlog, SendSchedule } from './send-schedule.js'

/** A schedule over a fake sender: `busy` says whether something of the producer is in flight. */
function scheduleOf(tuning: { lingerMs?: number; adaptiveLinger: boolean; batchNumMessages?: number }) {
  const state = { busy: false, pumps: 0 }
  const schedule = new SendSchedule(
    { lingerMs: 5, batchNumMessages: 1000, batchSize: 1_000_000, ...tuning },
    { pump: () => state.pumps++, idle: () => !state.busy },
  )
  return { schedule, state }
}

const one: Backlog = { count: 1, bytes: 100 }

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('SendSchedule, default (adaptive) linger', () => {
  it('a message that finds nothing in flight goes on the next turn, not after the linger', () => {
    const { schedule, state } = scheduleOf({ adaptiveLinger: true })
    schedule.queued(one, false)
    expect(state.pumps).toBe(0) // not synchronously: the rest of a burst joins the batch
    vi.advanceTimersByTime(0)
    expect(state.pumps).toBe(1)
  })

  it('a synchronous burst while idle is one send', () => {
    const { schedule, state } = scheduleOf({ adaptiveLinger: true })
    for (let i = 1; i <= 50; i++) schedule.queued({ count: i, bytes: 100 * i }, false)
    vi.advanceTimersByTime(10)
    expect(state.pumps).toBe(1)
  })

  it('while something is in flight messages linger (batches form under load)', () => {
    const { schedule, state } = scheduleOf({ adaptiveLinger: true })
    state.busy = true
    schedule.queued(one, false)
    schedule.queued({ count: 2, bytes: 200 }, false)
    vi.advanceTimersByTime(4)
    expect(state.pumps).toBe(0)
    vi.advanceTimersByTime(1)
    expect(state.pumps).toBe(1)
  })

  it('messages lingering when the producer falls idle go then, not at the end of the linger', () => {
    const { schedule, state } = scheduleOf({ adaptiveLinger: true })
    state.busy = true
    schedule.queued(one, false)
    vi.advanceTimersByTime(2)
    schedule.idled() // one lane idle, but another is still busy: nothing changes
    vi.advanceTimersByTime(0)
    expect(state.pumps).toBe(0)
    state.busy = false
    schedule.idled()
    vi.advanceTimersByTime(0)
    expect(state.pumps).toBe(1)
    vi.advanceTimersByTime(10) // the linger timer was cancelled: no second send
    expect(state.pumps).toBe(1)
  })
})

describe('SendSchedule, explicit linger.ms (librdkafka behaviour)', () => {
  it('a lone message lingers the full linger.ms even when nothing is in flight', () => {
    const { schedule, state } = scheduleOf({ adaptiveLinger: false })
    schedule.queued(one, false)
    schedule.idled()
    vi.advanceTimersByTime(4)
    expect(state.pumps).toBe(0)
    vi.advanceTimersByTime(1)
    expect(state.pumps).toBe(1)
  })

  it('a full batch, a waiting flush or linger.ms 0 send at once', () => {
    const full = scheduleOf({ adaptiveLinger: false, batchNumMessages: 2 })
    full.schedule.queued({ count: 2, bytes: 200 }, false)
    vi.advanceTimersByTime(0)
    expect(full.state.pumps).toBe(1)

    const flush = scheduleOf({ adaptiveLinger: false })
    flush.schedule.queued(one, true)
    vi.advanceTimersByTime(0)
    expect(flush.state.pumps).toBe(1)

    const zero = scheduleOf({ adaptiveLinger: false, lingerMs: 0 })
    zero.schedule.queued(one, false)
    vi.advanceTimersByTime(0)
    expect(zero.state.pumps).toBe(1)
  })

  it('clear() (close) cancels a pending linger', () => {
    const { schedule, state } = scheduleOf({ adaptiveLinger: false })
    schedule.queued(one, false)
    expect(schedule.lingering).toBe(true)
    schedule.clear()
    vi.advanceTimersByTime(10)
    expect(state.pumps).toBe(0)
  })
})
