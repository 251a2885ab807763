import { describe, expect, it } from 'vitest'
import { consumerSettings, FETCH_DEFAULTS, SESSION_DEFAULTS } from './group-session.js'
import { splitKafkajsKeys } from './kafkajs-keys.js'

describe('consumerSettings', () => {
  it("fills in our defaults where kafkajs's differ", () => {
    expect(consumerSettings({})).toEqual({
      sessionTimeout: SESSION_DEFAULTS.sessionTimeout,
      heartbeatInterval: SESSION_DEFAULTS.heartbeatInterval,
      maxWaitTimeInMs: 500,
      maxBytesPerPartition: 4 * 1024 * 1024,
    })
  })

  it('keeps what the user set: max.partition.fetch.bytes (as converted) or maxBytesPerPartition', () => {
    const fromLibrdkafka = splitKafkajsKeys({ 'consumer.maxBytesPerPartition': 1_048_576 }, {}).consumer
    expect(consumerSettings(fromLibrdkafka).maxBytesPerPartition).toBe(1_048_576)
    expect(consumerSettings({ maxBytesPerPartition: 65_536 }).maxBytesPerPartition).toBe(65_536)
    expect(consumerSettings({ maxWaitTimeInMs: 100 }).maxWaitTimeInMs).toBe(100)
    expect(FETCH_DEFAULTS.maxBytesPerPartition).toBe(4_194_304)
  })

  it('keeps a heartbeat below a third of a session timeout the user set', () => {
    expect(consumerSettings({ sessionTimeout: 6000 }).heartbeatInterval).toBe(2000)
    expect(consumerSettings({ sessionTimeout: 60_000 }).heartbeatInterval).toBe(3000)
    expect(consumerSettings({ sessionTimeout: 6000, heartbeatInterval: 500 }).heartbeatInterval).toBe(500)
  })
})
