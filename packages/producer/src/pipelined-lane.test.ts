import { KafkaConnectionError, levelledCodec } from '@gracedb-kafka/core'
import { describe, expect, it } from 'vitest'
import type { BatchRequest } from './idempotent-session.js'
import { expected, laneOver, PartitionLog, run } from './testing/pipelined-lane-harness.js'

describe('PipelinedLane', () => {
  it('keeps up to 5 batches in flight and reports every record at its offset', async () => {
    const partition = new PartitionLog()
    const { reports, renewals } = await run(partition, 100)
    expect(partition.maxInFlight).toBe(5)
    expect(partition.log).toEqual(expected(100))
    expect(reports.map((r) => r.offset)).toEqual(partition.log.map((_, i) => i))
    expect(renewals).toEqual([])
  })

  it('a lost request: later batches refused out of order are a consequence; all sent again in order, once', async () => {
    const partition = new PartitionLog()
    partition.lose = { seq: 20, where: 'request' }
    const { reports, renewals } = await run(partition, 100)
    expect(partition.log).toEqual(expected(100))
    expect(reports.map((r) => r.offset)).toEqual(partition.log.map((_, i) => i))
    expect(partition.refused).toBeGreaterThan(0) // batches after the lost one arrived out of sequence
    expect(renewals).toEqual([]) // not a state loss: the same producer id goes on
  }, 20_000)

  it('a lost answer: the batch sent again is a duplicate, answered with its original offset', async () => {
    const partition = new PartitionLog()
    partition.lose = { seq: 20, where: 'answer' }
    const { reports, renewals } = await run(partition, 100)
    expect(partition.duplicates).toBeGreaterThan(0)
    expect(partition.log).toEqual(expected(100)) // written once
    expect(reports.map((r) => r.offset)).toEqual(partition.log.map((_, i) => i))
    expect(renewals).toEqual([])
  }, 20_000)

  it('a renewal asked for while a written batch is unanswered waits until it is answered: nothing twice', async () => {
    // Another partition lost its producer state at the moment this one lost an answer: the batch whose answer
    // was lost was written, so it is sent again under the old id (a duplicate, its offset) before the renewal.
    const partition = new PartitionLog()
    partition.lose = { seq: 20, where: 'answer' }
    const { reports, renewals } = await run(partition, 100, true)
    expect(renewals.length).toBeGreaterThan(0)
    expect(partition.duplicates).toBeGreaterThan(0)
    expect(partition.log).toEqual(expected(100)) // written once, in order
    expect(reports.map((r) => r.offset)).toEqual(partition.log.map((_, i) => i))
  }, 20_000)

  it('a leader change with batches in flight: the refused batches go to the new leader, in order, once', async () => {
    const partition = new PartitionLog()
    partition.moveLeaderAt = 30 // batch 3 and those behind it in flight reach the old leader
    const { reports, renewals, leaderLookups } = await run(partition, 100)
    expect(leaderLookups).toBeGreaterThan(1) // looked up anew after the refusal
    expect(partition.log).toEqual(expected(100)) // written once, in order
    expect(reports.map((r) => r.offset)).toEqual(partition.log.map((_, i) => i))
    expect(renewals).toEqual([]) // not a state loss
  }, 20_000)

  it('records whose batch is in flight expire: given up in doubt; later records still reported; a new producer id', async () => {
    // The batch is written but its answer never comes; its records reach their delivery timeout meanwhile, and
    // later records are sent and acknowledged behind it. Its sequence numbers are spent (under the same id a
    // later batch reusing them would be answered as its duplicate): the lane starts over with a new producer id,
    // and still reports the later records at their offsets.
    const partition = new PartitionLog()
    let open = () => {}
    partition.gate = { seq: 0, opened: new Promise<void>((resolve) => (open = resolve)) }
    const { lane, renewals, push } = laneOver(partition)
    const doomed = push(10, 50).map((p) =>
      p.then(
        () => 'delivered',
        (e: Error) => e.message,
      ),
    )
    lane.run()
    await expect.poll(() => partition.log.length).toBe(10) // written; the answer waits
    await new Promise((resolve) => setTimeout(resolve, 60))
    lane.expire(Date.now())
    expect(await Promise.all(doomed)).toEqual(Array(10).fill('timed out'))
    const later = push(10)
    await expect.poll(() => partition.log.length).toBe(20) // written behind the unanswered batch
    open() // the answer is lost: the outcome stays unknown
    const reports = await Promise.all(later)
    expect(renewals).toEqual([1])
    expect(partition.log).toEqual(expected(20)) // each once, in order
    expect(reports.map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i))
    const more = push(10) // under the new producer id: sequence numbers from 0 again
    lane.run() // as the sender does after queueing on a lane
    const next = await Promise.all(more)
    expect(partition.log).toEqual(expected(30))
    expect(next.map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => 20 + i))
  }, 20_000)

  it('records settled while queued (failed elsewhere, in the middle of the queue) are skipped, never sent', async () => {
    const partition = new PartitionLog()
    const { lane, push, ledger, records } = laneOver(partition)
    const outcomes = push(30).map((p) =>
      p.then(
        (r) => r.offset,
        (e: Error) => e.message,
      ),
    )
    for (const p of records.slice(5, 8)) ledger.fail(p, new KafkaConnectionError('given up'))
    ledger.fail(records[29]!, new KafkaConnectionError('given up')) // the last one, too
    lane.run()
    const seen = await Promise.all(outcomes)
    const sent = expected(30).filter((_, i) => !(i >= 5 && i < 8) && i !== 29)
    expect(partition.log).toEqual(sent) // the others, once each, in order
    expect(seen.filter((o) => o === 'given up')).toHaveLength(4)
    expect(seen.filter((o) => typeof o === 'number')).toEqual(sent.map((_, i) => i))
    await expect.poll(() => lane.busy).toBe(false)
  })

  it("encodes every batch with the producer's codec type and its codec at compression.level", async () => {
    const partition = new PartitionLog()
    const codec = levelledCodec('zstd', 7)
    const { lane, session, push } = laneOver(partition, false, { type: 4, codec })
    const encode = session.encode
    const requests: BatchRequest[] = []
    session.encode = async (broker, id, req) => {
      requests.push(req)
      return encode(broker, id, req)
    }
    const reports = push(30)
    lane.run()
    await Promise.all(reports)
    expect(requests.length).toBeGreaterThanOrEqual(3) // 10 records per batch
    for (const req of requests) expect(req).toMatchObject({ compression: 4, codec })
    expect(partition.log).toEqual(expected(30))
  })

  it('compresses at most 2 batches at once, and still writes them in sequence order', async () => {
    const partition = new PartitionLog()
    const { lane, session, push } = laneOver(partition)
    const encode = session.encode
    let encoding = 0
    let most = 0
    session.encode = async (broker, id, req) => {
      most = Math.max(most, ++encoding)
      await new Promise((resolve) => setTimeout(resolve, req.firstSequence % 20 === 0 ? 8 : 2)) // uneven
      encoding--
      return encode(broker, id, req)
    }
    const reports = push(100)
    lane.run()
    const offsets = (await Promise.all(reports)).map((r) => r.offset)
    expect(most).toBe(2) // overlapped, never more than ENCODE_AHEAD
    expect(partition.refused).toBe(0) // no batch reached the broker out of sequence
    expect(partition.log).toEqual(expected(100))
    expect(offsets).toEqual(partition.log.map((_, i) => i))
  })
})
