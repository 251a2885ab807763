import { KafkaAuthenticationError, KafkaConsumerError } from '@gracedb-kafka/core'
import { describe, expect, it } from 'vitest'
import { type CommitChannel, Committer } from './committer.js'
import type { CommitEntry } from './offset-tracker.js'
import { OffsetTracker } from './offset-tracker.js'

/** A commit channel driven by the test: each attempt takes the next scripted outcome. */
function scripted(outcomes: ('ok' | 'unavailable' | Error)[]) {
  const sent: CommitEntry[][] = []
  const channel: CommitChannel = {
    commitOnce(entries) {
      const next = outcomes.shift() ?? 'ok'
      if (next === 'unavailable') return undefined
      sent.push(entries)
      return next === 'ok' ? Promise.resolve() : Promise.reject(next)
    },
  }
  return { channel, sent }
}

const connectionError = () =>
  Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' })

describe('Committer', () => {
  it('retries a commit across failed attempts and session gaps until the broker stores it', async () => {
    const tracker = new OffsetTracker()
    tracker.assign({ 't.a': [0] })
    const { channel, sent } = scripted([connectionError(), 'unavailable', connectionError(), 'ok'])
    const c = new Committer(tracker, 10_000, () => channel)
    await expect(c.commitMessage('t.a', 0, 41)).resolves.toBe(true)
    expect(sent).toHaveLength(3)
    expect(sent.at(-1)).toEqual([{ topic: 't.a', partition: 0, offset: '42' }])
    expect(tracker.status('t.a', 0, 41)).toBe('committed')
    // already covered: no request at all
    await expect(c.commitMessage('t.a', 0, 40)).resolves.toBe(true)
    expect(sent).toHaveLength(3)
  })

  it('rejects with KafkaConsumerError carrying the last cause once the commit timeout runs out', async () => {
    const tracker = new OffsetTracker()
    tracker.assign({ 't.a': [0] })
    const failing: CommitChannel = { commitOnce: () => Promise.reject(connectionError()) }
    const c = new Committer(tracker, 300, () => failing)
    const err = await c.commitMessage('t.a', 0, 1).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KafkaConsumerError)
    expect((err as Error).message).toMatch(/within 0\.3s/)
    expect((err as Error).cause).toBeDefined()
    expect(tracker.status('t.a', 0, 1)).toBe('owned')
  })

  it('never commits a partition that was revoked while the commit was retrying: resolves false', async () => {
    const tracker = new OffsetTracker()
    tracker.assign({ 't.a': [0, 1] })
    const sent: CommitEntry[][] = []
    let attempts = 0
    const channel: CommitChannel = {
      commitOnce(entries) {
        sent.push(entries)
        // the first attempt fails during a rebalance that hands partition 0 to another member
        if (++attempts === 1) {
          tracker.assign({ 't.a': [1] })
          return Promise.reject(Object.assign(new Error('rebalancing'), { type: 'REBALANCE_IN_PROGRESS' }))
        }
        return Promise.resolve()
      },
    }
    const c = new Committer(tracker, 10_000, () => channel)
    await expect(c.commitMessage('t.a', 0, 5)).resolves.toBe(false)
    expect(sent).toHaveLength(1)
  })

  it('waits while the session is re-established (ownership unknown), then commits if still owned', async () => {
    const tracker = new OffsetTracker()
    tracker.assign({ 't.a': [0] })
    tracker.markHandedOut('t.a', 0, 9)
    tracker.suspend() // kafkajs crashed and restarts
    expect(tracker.pending()).toEqual([])
    const { channel, sent } = scripted([])
    const c = new Committer(tracker, 10_000, () => channel)
    const done = c.commitMessage('t.a', 0, 9)
    setTimeout(() => tracker.assign({ 't.a': [0] }), 300)
    await expect(done).resolves.toBe(true)
    expect(sent).toEqual([[{ topic: 't.a', partition: 0, offset: '10' }]])
  })

  it('fails at once, without retrying, when the broker refuses for good', async () => {
    const tracker = new OffsetTracker()
    tracker.assign({ 't.a': [0] })
    let attempts = 0
    const channel: CommitChannel = {
      commitOnce: () => {
        attempts++
        return Promise.reject(Object.assign(new Error('denied'), { type: 'GROUP_AUTHORIZATION_FAILED' }))
      },
    }
    const c = new Committer(tracker, 10_000, () => channel)
    await expect(c.commitMessage('t.a', 0, 1)).rejects.toBeInstanceOf(KafkaAuthenticationError)
    expect(attempts).toBe(1)
  })

  it('commitPending(false) gives up at once when no session can commit; commits in order otherwise', async () => {
    const tracker = new OffsetTracker()
    tracker.assign({ 't.a': [0, 1] })
    tracker.markHandedOut('t.a', 0, 3)
    tracker.markHandedOut('t.a', 1, 7)
    const none = new Committer(tracker, 10_000, () => undefined)
    await expect(none.commitPending(false)).resolves.toBe(false)
    const { channel, sent } = scripted([])
    const c = new Committer(tracker, 10_000, () => channel)
    await Promise.all([c.commitMessage('t.a', 0, 2), c.commitPending(false)])
    // serialised: the second attempt saw the first one's result and commits only what is left
    expect(sent).toEqual([
      [{ topic: 't.a', partition: 0, offset: '3' }],
      [
        { topic: 't.a', partition: 0, offset: '4' },
        { topic: 't.a', partition: 1, offset: '8' },
      ],
    ])
    expect(tracker.pending()).toEqual([])
  })

  it('a fatal consumer error ends the retries with that error', async () => {
    const tracker = new OffsetTracker()
    tracker.assign({ 't.a': [0] })
    const fatal = new KafkaConsumerError('session ended')
    const c = new Committer(
      tracker,
      10_000,
      () => undefined,
      () => fatal,
    )
    await expect(c.commitMessage('t.a', 0, 1)).rejects.toBe(fatal)
  })
})
