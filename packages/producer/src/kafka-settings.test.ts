import { describe, expect, it } from 'vitest'
import { kafkaProducerSettings } from './kafka-settings.js'
import { parseProducerOptions } from './options.js'

const base = { bootstrapServers: 'localhost:9092', instanceName: 'gracedb-dev' }

describe('kafkaProducerSettings (guaranteedDelivery)', () => {
  it('by default: acks=-1 (all in-sync replicas), idempotent, up to 5 batches per partition in flight', () => {
    const opts = parseProducerOptions(base)
    const { acks, producerConfig } = kafkaProducerSettings(opts)
    expect(acks).toBe(-1)
    expect(producerConfig.idempotent).toBe(true)
    expect(opts.tuning.maxInFlight).toBe(5)
  })

  it('guaranteedDelivery: true is the same as the default', () => {
    const { acks, producerConfig } = kafkaProducerSettings(
      parseProducerOptions({ ...base, guaranteedDelivery: true }),
    )
    expect(acks).toBe(-1)
    expect(producerConfig.idempotent).toBe(true)
  })

  it('guaranteedDelivery: false gives acks=1 without idempotence', () => {
    const opts = parseProducerOptions({ ...base, guaranteedDelivery: false })
    const { acks, producerConfig } = kafkaProducerSettings(opts)
    expect(acks).toBe(1)
    expect(producerConfig.idempotent).toBe(false)
    expect(opts.tuning.maxInFlight).toBe(5)
  })

  it('kafkaConfig.producer is merged last; the partitioner is passed through', () => {
    const createPartitioner = () => () => 0
    const { producerConfig } = kafkaProducerSettings(
      parseProducerOptions({ ...base, kafkaConfig: { producer: { metadataMaxAge: 1000 } } }),
      createPartitioner,
    )
    expect(producerConfig).toMatchObject({
      metadataMaxAge: 1000,
      idempotent: true,
      allowAutoTopicCreation: true,
    })
    expect(producerConfig.createPartitioner).toBe(createPartitioner)
  })
})
