import { KafkaConnectionError, toKafkaError } from '@gracedb-kafka/core'
import { describe, expect, it } from 'vitest'
import type { ProducerConnection } from './connection.js'
import { DeliveryLedger, type DeliveryReport } from './delivery-ledger.js'
import type { BatchPlacement, BatchRequest } from './idempotent-session.js'
import type { InternalBroker } from './kafkajs-cluster.js'
import type { ProducerTuning } from './options.js'
import type { LaneContext } from './partition-lane.js'
import { type LaneSession, PipelinedLane } from './pipelined-lane.js'
import type { SequenceCounter } from './sequenced-batches.js'

/**
 * The broker's side of one partition of one idempotent producer, as Kafka applies it: a batch is written when its
 * first sequence number follows the last one written; a batch equal to one already written is answered with its
 * original offset; anything else is OUT_OF_ORDER_SEQUENCE_NUMBER. `lose` drops one request (by first sequence
 * number) on the way in or its answer on the way out, as a broken connection does.
 */
class PartitionLog {
  readonly log: string[] = []
  readonly batches = new Map<number, { offset: number; count: number }>()
  next = 0
  inFlight = 0
  refused = 0
  duplicates = 0
  maxInFlight = 0
  lose: { seq: number; where: 'request' | 'answer' } | undefined

  async handle(req: BatchRequest): Promise<BatchPlacement> {
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      const lost = this.lose?.seq === req.firstSequence ? this.lose.where : undefined
      if (lost) this.lose = undefined
      const placed = lost === 'request' ? undefined : this.#apply(req)
      await new Promise((resolve) => setTimeout(resolve, 2))
      if (placed === undefined) throw connectionError() // never reached the broker; noticed later
      if (lost === 'answer') throw connectionError()
      return placed
    } finally {
      this.inFlight--
    }
  }

  #apply(req: BatchRequest): BatchPlacement {
    const seen = this.batches.get(req.firstSequence)
    if (seen !== undefined && seen.count === req.messages.length) {
      this.duplicates++
      return { baseOffset: seen.offset, logAppendTime: -1 }
    }
    if (req.firstSequence !== this.next) {
      this.refused++
      throw Object.assign(new Error('The broker received an out of order sequence number'), {
        name: 'KafkaJSProtocolError',
        type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
        retriable: false,
      })
    }
    const offset = this.log.length
    for (const m of req.messages) this.log.push(String(m.value))
    this.batches.set(req.firstSequence, { offset, count: req.messages.length })
    this.next += req.messages.length
    return { baseOffset: offset, logAppendTime: -1 }
  }
}

function connectionError(): Error {
  return Object.assign(new Error('Connection closed'), { name: 'KafkaJSConnectionError', retriable: true })
}

function sessionOver(partition: PartitionLog, renewals: number[]): LaneSession {
  const counter: SequenceCounter = { generation: 1, next: 0 }
  const broker = {} as InternalBroker
  return {
    generation: 1,
    renewDue: false,
    requestRenewal: (g) => void renewals.push(g),
    ready: async () => {},
    begin: () => ({ producerId: 7, producerEpoch: 0, generation: 1 }),
    end: () => {},
    counter: () => counter,
    leader: async () => broker,
    pipelinable: () => true,
    encode: async (_broker, _id, req) => () => partition.handle(req),
    reset: async () => {},
  }
}

async function run(
  partition: PartitionLog,
  count: number,
): Promise<{ reports: DeliveryReport[]; renewals: number[] }> {
  const ledger = new DeliveryLedger()
  const renewals: number[] = []
  const conn = {
    ensureConnected: async () => {},
    mapError: (err: unknown) => toKafkaError(err, { role: 'delivery', action: 'Delivery to t', topic: 't' }),
    metadata: { invalidate: () => {} },
    reset: async () => {},
  } as unknown as ProducerConnection
  const ctx: LaneContext = {
    conn,
    ledger,
    tuning: { batchNumMessages: 10, batchSize: 1_000_000, maxInFlight: 5 } as ProducerTuning,
    compression: 0,
    closed: () => false,
    timeoutError: (_p, last) => last ?? new KafkaConnectionError('timed out'),
    onIdle: () => {},
    onError: () => {},
  }
  const lane = new PipelinedLane('t', 0, ctx, sessionOver(partition, renewals))
  const promises: Promise<DeliveryReport>[] = []
  for (let i = 0; i < count; i++) {
    const p = ledger.create({
      topic: 't',
      size: 1,
      message: { value: `m${i}` },
      key: null,
      deadline: Date.now() + 30_000,
    })
    promises.push(p.promise)
    lane.push(p)
  }
  lane.run()
  const order: number[] = []
  promises.forEach((p, i) => void p.then(() => order.push(i)))
  const reports = await Promise.all(promises)
  expect(order).toEqual([...order].sort((a, b) => a - b)) // reported in produce order
  return { reports, renewals }
}

const expected = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`)

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
})
