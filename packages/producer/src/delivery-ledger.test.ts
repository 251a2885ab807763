import { KafkaMessageDeliveryError } from '@gracedb-kafka/core'
import { describe, expect, it } from 'vitest'
import { DeliveryLedger, type DeliveryReport } from './delivery-ledger.js'

const failure = (): KafkaMessageDeliveryError =>
  new KafkaMessageDeliveryError('not delivered', {
    code: 'ERR_KAFKA_MESSAGE_TIMED_OUT',
    topic: 't',
    partition: 0,
  })

const newPending = (ledger: DeliveryLedger, onDelivery?: (err: unknown, r: DeliveryReport | null) => void) =>
  ledger.create({
    topic: 't',
    size: 10,
    value: Buffer.from('x'),
    key: null,
    timestamp: 1000,
    deadline: Date.now() + 30_000,
    onDelivery,
  })

describe('DeliveryLedger', () => {
  it('settles once: the promise, onDelivery and the pending count agree', async () => {
    const ledger = new DeliveryLedger()
    const reports: unknown[] = []
    const p = newPending(ledger, (err, r) => reports.push(err ?? r))
    expect(ledger.pending).toBe(1)
    ledger.succeed(p, { partition: 2, offset: 7, logAppendTime: -1 })
    ledger.fail(p, failure()) // no-op: already settled
    const report = { topic: 't', partition: 2, offset: 7, key: null, timestamp: 1000 }
    expect(await p.promise).toEqual(report)
    expect(reports).toEqual([report])
    expect(ledger.pending).toBe(0)
  })

  it('a failure whose promise is ignored is never an unhandled rejection; flush() reports it unless onDelivery saw it', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason)
    }
    process.on('unhandledRejection', onUnhandled)
    try {
      const ledger = new DeliveryLedger()
      const seen: unknown[] = []
      const withCallback = newPending(ledger, (err) => seen.push(err))
      const ignored = newPending(ledger)
      const e1 = failure()
      const e2 = failure()
      ledger.fail(withCallback, e1)
      ledger.fail(ignored, e2)
      ledger.succeed(ignored, { partition: 0, offset: 1, logAppendTime: -1 }) // no-op: already settled
      await new Promise((r) => setTimeout(r, 20))
      expect(unhandled).toEqual([])
      expect(seen).toEqual([e1])
      expect(ignored.promise.observed).toBe(false)
      expect(ledger.takeUnseenFailure()).toBe(e2)
      await expect(ignored.promise).rejects.toBe(e2)
      expect(ledger.pending).toBe(0)
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
