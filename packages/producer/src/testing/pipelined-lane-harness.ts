// Test helper (not part of the package API): a simulated partition log and a session double for PipelinedLane.
import { KafkaConnectionError, toKafkaError } from '@gracedb-kafka/core'
import { expect } from 'vitest'
import type { ProducerConnection } from '../connection.js'
import { DeliveryLedger, type DeliveryReport, type Pending } from '../delivery-ledger.js'
import type { BatchPlacement, BatchRequest, LaneSession } from '../idempotent-session.js'
import type { InternalBroker } from '../kafkajs-cluster.js'
import type { LaneCompression } from '../lane-compression.js'
import type { ProducerTuning } from '../options.js'
import type { LaneContext } from '../partition-lane.js'
import { PipelinedLane } from '../pipelined-lane.js'
import type { SequenceCounter } from '../sequenced-batches.js'

/**
 * The broker's side of one partition of one idempotent producer, as Kafka applies it: a batch is written when its
 * first sequence number follows the last one written; a batch equal to one already written is answered with its
 * original offset; anything else is OUT_OF_ORDER_SEQUENCE_NUMBER. `lose` drops one request (by first sequence
 * number) on the way in or its answer on the way out, as a broken connection does.
 */
export class PartitionLog {
  readonly log: string[] = []
  readonly batches: Map<number, { offset: number; count: number }> = new Map()
  next = 0
  inFlight = 0
  refused = 0
  duplicates = 0
  maxInFlight = 0
  lose: { seq: number; where: 'request' | 'answer' } | undefined
  /** The broker leading the partition; a request sent to another is refused (NOT_LEADER_OR_FOLLOWER). */
  leader: object = {}
  /** When a request with this first sequence arrives, leadership moves first (it is refused, as are later ones). */
  moveLeaderAt: number | undefined
  /** A request with this first sequence is written, then its answer waits for `opened` and is lost. */
  gate: { seq: number; opened: Promise<void> } | undefined
  /** Called when a request or answer is lost (the test may ask for a renewal then). */
  onLost: () => void = () => {}

  /** A new producer id: sequence numbers from 0, nothing to de-duplicate against. */
  newProducer(): void {
    this.next = 0
    this.batches.clear()
  }

  async handle(req: BatchRequest, to: object = this.leader): Promise<BatchPlacement> {
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      if (this.moveLeaderAt === req.firstSequence) {
        this.moveLeaderAt = undefined
        this.leader = {}
      }
      if (to !== this.leader) {
        await new Promise((resolve) => setTimeout(resolve, 2))
        throw notLeader()
      }
      const gate = this.gate?.seq === req.firstSequence ? this.gate : undefined
      if (gate) {
        this.gate = undefined
        this.#apply(req)
        await gate.opened
        throw connectionError() // written, but the answer never arrives
      }
      const lost = this.lose?.seq === req.firstSequence ? this.lose.where : undefined
      if (lost) this.lose = undefined
      const placed = lost === 'request' ? undefined : this.#apply(req)
      await new Promise((resolve) => setTimeout(resolve, 2))
      if (placed === undefined || lost === 'answer') this.onLost()
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

function notLeader(): Error {
  return Object.assign(new Error('This server is not the leader for that topic-partition'), {
    name: 'KafkaJSProtocolError',
    type: 'NOT_LEADER_OR_FOLLOWER',
    retriable: true,
  })
}

function connectionError(): Error {
  return Object.assign(new Error('Connection closed'), { name: 'KafkaJSConnectionError', retriable: true })
}

function sessionOver(partition: PartitionLog, renewals: number[]): LaneSession & { leaderLookups: number } {
  let counter: SequenceCounter = { generation: 1, next: 0 }
  let inFlight = 0
  const holds = new Map<object, () => boolean>()
  const session: LaneSession & { generation: number; renewDue: boolean; leaderLookups: number } = {
    generation: 1,
    renewDue: false,
    requestRenewal: (g) => {
      renewals.push(g)
      if (g === session.generation) session.renewDue = true
    },
    // A renewal waits for nothing in flight and no hold, then numbers from 0 under a new producer id.
    ready: async () => {
      while (session.renewDue) {
        if (inFlight === 0 && [...holds.values()].every((held) => !held())) {
          session.generation++
          counter = { generation: session.generation, next: 0 }
          partition.newProducer()
          session.renewDue = false
          holds.clear()
        } else await new Promise((resolve) => setTimeout(resolve, 1))
      }
    },
    begin: () => {
      inFlight++
      return { producerId: 7, producerEpoch: 0, generation: session.generation }
    },
    end: () => void inFlight--,
    counter: () => counter,
    leader: async () => {
      session.leaderLookups++
      return partition.leader as InternalBroker
    },
    leaderLookups: 0,
    pipelinable: () => true,
    encode: async (broker, _id, req) => () => partition.handle(req, broker),
    reset: async () => {},
    hold: (lane, held) => void holds.set(lane, held),
    connect: async () => {},
  }
  return session
}

/** A lane over `partition` behind the session double; `push(n, ttlMs)` queues `n` more records (kept in `records`). */
export interface LaneHarness {
  lane: PipelinedLane
  session: LaneSession & { leaderLookups: number }
  renewals: number[]
  push(count: number, ttlMs?: number): Promise<DeliveryReport>[]
  ledger: DeliveryLedger
  records: Pending[]
}

export function laneOver(
  partition: PartitionLog,
  renewOnLoss = false,
  compression: LaneCompression = { type: 0 },
): LaneHarness {
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
    compression,
    closed: () => false,
    timeoutError: (_p, last) => last ?? new KafkaConnectionError('timed out'),
    onIdle: () => {},
    onError: () => {},
  }
  const session = sessionOver(partition, renewals)
  if (renewOnLoss) partition.onLost = () => session.requestRenewal(session.generation)
  const lane = new PipelinedLane('t', 0, ctx, session)
  let pushed = 0
  const records: Pending[] = [] // every record pushed, in order
  const push = (count: number, ttlMs = 30_000): Promise<DeliveryReport>[] =>
    Array.from({ length: count }, () => {
      const p = ledger.create({
        topic: 't',
        size: 1,
        value: Buffer.from(`m${pushed++}`),
        key: null,
        deadline: Date.now() + ttlMs,
      })
      records.push(p)
      lane.push(p)
      return p.promise
    })
  return { lane, session, renewals, push, ledger, records }
}

export async function run(
  partition: PartitionLog,
  count: number,
  renewOnLoss = false,
): Promise<{ reports: DeliveryReport[]; renewals: number[]; leaderLookups: number }> {
  const { lane, session, renewals, push } = laneOver(partition, renewOnLoss)
  const promises = push(count)
  lane.run()
  const order: number[] = []
  promises.forEach((p, i) => void p.then(() => order.push(i)))
  const reports = await Promise.all(promises)
  expect(order).toEqual([...order].sort((a, b) => a - b)) // reported in produce order
  return { reports, renewals, leaderLookups: session.leaderLookups }
}

export const expected = (n: number): string[] => Array.from({ length: n }, (_, i) => `m${i}`)
