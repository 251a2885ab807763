import { createRequire } from 'node:module'
import { afterEach, describe, expect, it } from 'vitest'
import { plaintextKafka } from './admin.js'

// The real kafkajs 2.2.4 RequestQueue class that testkit's clients use (not a mock).
const RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as new (
  options: Record<string, unknown>,
) => { throttleCheckTimeoutId: unknown; checkPendingRequests(): void; destroy(): void }

const queues: InstanceType<typeof RequestQueue>[] = []
/** A request queue as kafkajs makes one per broker connection, after a response: did it schedule a re-check? */
function idleQueueSchedules(): boolean {
  const q = new RequestQueue({
    instrumentationEmitter: { emit: () => {} },
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  })
  queues.push(q)
  q.checkPendingRequests() // what kafkajs does after every response
  return q.throttleCheckTimeoutId !== null
}

afterEach(() => {
  for (const q of queues.splice(0)) q.destroy()
})

describe("testkit's kafkajs clients do not poll idle connections (tulios/kafkajs#1704, #1751)", () => {
  it('kafkajs as shipped re-checks an idle queue after 1 ms; once testkit made a client, it does not', () => {
    // Sequential on purpose: this file imports nothing that corrects kafkajs before plaintextKafka runs.
    expect(idleQueueSchedules()).toBe(true)
    plaintextKafka(['localhost:9092'])
    expect(idleQueueSchedules()).toBe(false)
  })
})
