import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  type CompressionCodec,
  KafkaMessageDeliveryError,
  KafkaTopicError,
  MessageSchemaError,
  registerCodecs,
  validateUploadMessage,
} from '@gracedb-kafka/core'
import kafkajs from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { GraceDbKafkaProducer } from './producer.js'
import { dir, kafka, producer, uniqueInstance, useProducerBroker } from './testing/broker-fixture.js'
import { readBack } from './testing/read-back.js'

// Issue 11's producer items against the testkit broker with topic auto-creation off (as on GraceDB's brokers).
// The token carries gracedb.read (the default tokenScope) among its scopes.
useProducerBroker('producer-parity', 'par')

describe('defaults', () => {
  it('an HTCondor token granting only gracedb.read works with the default tokenScope, not with kafka.produce', async () => {
    // As in an HTCondor job: the token is $_CONDOR_CREDS/scitokens.use, and no WLCG bearer token is around
    // (the direct-read fallback, which checks only expiry, applies to WLCG tokens only).
    const saved = { ...process.env }
    const creds = join(dir, 'condor')
    const empty = join(dir, 'xdg-empty')
    mkdirSync(creds, { recursive: true })
    mkdirSync(empty, { recursive: true })
    const token = await kafka.issuer.mint({ sub: 'condor-job', scope: 'gracedb.read' })
    await kafka.issuer.writeTokenFile(token, join(creds, 'scitokens.use'))
    for (const v of ['BEARER_TOKEN_FILE', 'BEARER_TOKEN', 'SCITOKEN', 'SCITOKEN_FILE']) delete process.env[v]
    process.env._CONDOR_CREDS = creds
    process.env.XDG_RUNTIME_DIR = empty
    try {
      await using p = producer({ topic: 'scope' })
      expect(p.tokenScope).toBe('gracedb.read')
      await kafka.createTopic(`${p.instanceName}.scope`, { partitions: 1 })
      expect((await p.produce('x')).offset).toBe(0)
      await using strict = producer({ topic: 'scope', tokenScope: 'kafka.produce', checkForTopics: false })
      await expect(strict.connect()).rejects.toMatchObject({
        name: 'KafkaTokenError',
        code: 'ERR_KAFKA_TOKEN_SCOPE',
      })
    } finally {
      process.env = saved
    }
  })
})

describe('checkForTopics', () => {
  it('connect() and create() refuse a missing default topic, naming the instances that have topics', async () => {
    const other = uniqueInstance()
    await kafka.createTopic(`${other}.cbc`, { partitions: 1 })
    await using p = producer({ topic: 'cbc' })
    const err = await p.connect().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KafkaTopicError)
    expect(err).toBeInstanceOf(KafkaMessageDeliveryError)
    expect((err as KafkaTopicError).topic).toBe(`${p.instanceName}.cbc`)
    expect((err as Error).message).toContain('does not exist')
    expect((err as Error).message).toContain(other) // an instance that does have topics
    expect((err as Error).message).toContain('checkForTopics: false')
    await expect(p.produce('x')).rejects.toBeInstanceOf(KafkaTopicError) // the first produce() awaits it too
    await expect(
      GraceDbKafkaProducer.create({
        bootstrapServers: kafka.bootstrapServers,
        caCertPath: kafka.caCertPath,
        instanceName: p.instanceName,
        topic: 'cbc',
      }),
    ).rejects.toBeInstanceOf(KafkaTopicError)
  })

  it('without a default topic the instance must have a topic; create() resolves once it does', async () => {
    const instance = uniqueInstance()
    const options = {
      bootstrapServers: kafka.bootstrapServers,
      caCertPath: kafka.caCertPath,
      instanceName: instance,
    }
    const err = await GraceDbKafkaProducer.create(options).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KafkaTopicError)
    expect((err as Error).message).toContain(`No topics found for GraceDB instance '${instance}'`)
    await kafka.createTopic(`${instance}.gstlal`, { partitions: 1 })
    await using p = await GraceDbKafkaProducer.create(options)
    expect((await p.produce({ n: 1 }, { topic: 'gstlal' })).topic).toBe(`${instance}.gstlal`)
  })

  it('checkForTopics: false connects without looking; a missing topic fails its message at the delivery timeout', async () => {
    await using p = producer({
      topic: 'missing',
      checkForTopics: false,
      kafkaConfig: { 'delivery.timeout.ms': 1_000 },
    })
    await p.connect()
    const err = await p.produce('x').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KafkaTopicError)
    expect(err).toMatchObject({ code: 'ERR_KAFKA_TOPIC', topic: `${p.instanceName}.missing` })
    expect(p.pendingMessages).toBe(0)
  })
})

describe('explicit partitions', () => {
  it('a partition the topic does not have fails at once (librdkafka _UNKNOWN_PARTITION)', async () => {
    await using p = producer({ topic: 'two' })
    await kafka.createTopic(`${p.instanceName}.two`, { partitions: 2 })
    expect((await p.produce('a', { partition: 1 })).partition).toBe(1)
    await expect(p.produce('b', { partition: 2 })).rejects.toMatchObject({
      name: 'KafkaMessageDeliveryError',
      code: 'ERR_KAFKA_UNKNOWN_PARTITION',
      partition: 2,
    })
  })
})

describe('flush(timeout, strict)', () => {
  it('strict: a failed report since the last flush throws even when the caller saw it; not strict: a count', async () => {
    // The topic does not exist: as librdkafka, the producer waits for it until the delivery timeout (short here).
    await using p = producer({
      topic: 'strict',
      checkForTopics: false,
      kafkaConfig: { 'delivery.timeout.ms': 1_500 },
    })
    const seen: unknown[] = []
    p.produce('x', { onDelivery: (e) => seen.push(e) })
    expect(await p.flush(30)).toBe(0) // seen through onDelivery: a plain flush does not throw
    expect(seen[0]).toBeInstanceOf(KafkaTopicError) // the topic problem, at the message's deadline
    expect((seen[0] as KafkaTopicError).code).toBe('ERR_KAFKA_TOPIC')
    expect((seen[0] as KafkaTopicError).topic).toBe(`${p.instanceName}.strict`)
    expect((seen[0] as Error).message).toMatch(/delivery\.timeout\.ms.*does not exist/)
    p.produce('y', { onDelivery: (e) => seen.push(e) })
    await expect(p.flush(30, true)).rejects.toBeInstanceOf(KafkaTopicError)
    expect(await p.flush({ timeout: 0, strict: true })).toBe(0) // reported once
  })

  it('strict: messages still queued at the deadline throw with the count and a hint', async () => {
    await using p = producer({ topic: 'slow' })
    await kafka.createTopic(`${p.instanceName}.slow`, { partitions: 1 })
    await p.connect()
    const delivered = p.produce('x')
    const err = await p.flush({ timeout: 0.001, strict: true }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KafkaMessageDeliveryError)
    expect((err as Error).message).toMatch(/with 1 message\(s\) still queued/)
    expect((await delivered).offset).toBe(0) // it still goes through
    expect(await p.flush(30, true)).toBe(0)
  })
})

describe('ping()', () => {
  it('a missing topic: KafkaTopicError and nothing is queued', async () => {
    await using p = producer({ topic: 'here' })
    await kafka.createTopic(`${p.instanceName}.here`, { partitions: 1 })
    const err = await p.ping({ topic: 'absent', timeout: 10 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KafkaTopicError)
    expect((err as KafkaTopicError).topic).toBe(`${p.instanceName}.absent`)
    expect(p.pendingMessages).toBe(0)
  })

  it('sends a message valid against the ping schema', async () => {
    await using p = producer({ topic: 'test' })
    await kafka.createTopic(`${p.instanceName}.test`, { partitions: 1 })
    const result = await p.ping()
    expect(result.message).toMatchObject({ type: 'ping', client: 'gracedb-kafka' })
    expect(() => validateUploadMessage({})).toThrow(MessageSchemaError) // the core validators are wired
  })
})

describe('compression', () => {
  it('every codec round-trips through the broker; zstd by default', async () => {
    for (const compression of ['zstd', 'gzip', 'lz4', 'snappy', 'none'] as const) {
      await using p = producer({ topic: 'codec', compression })
      const topic = `${p.instanceName}.codec`
      await kafka.createTopic(topic, { partitions: 1 })
      const value = { compression, pad: 'gracedb '.repeat(500) }
      await p.produce(value)
      const [m] = await readBack(kafka.plaintextBootstrapServers, topic, 1)
      expect(JSON.parse(m!.value!.toString())).toEqual(value)
    }
  })

  it('compression levels round-trip through the broker (zstd 1 by default, 12, -1; gzip 9)', async () => {
    // kafkajs's table codecs count their compressions: with a level given the producer's own codec compresses.
    registerCodecs(kafkajs.CompressionCodecs, kafkajs.CompressionTypes)
    const table = kafkajs.CompressionCodecs as Record<number, () => CompressionCodec>
    const types = [kafkajs.CompressionTypes.ZSTD, kafkajs.CompressionTypes.GZIP]
    const saved = types.map((t) => table[t] as () => CompressionCodec)
    let tableCompressions = 0
    types.forEach((t, k) => {
      table[t] = () => {
        const codec = saved[k]!()
        const compress = (e: { buffer: Buffer }): Promise<Buffer> => {
          tableCompressions++
          return codec.compress(e)
        }
        return { ...codec, compress }
      }
    })
    const cases = [
      { compression: 'zstd' },
      { compression: 'zstd', compressionLevel: 12 },
      { kafkaConfig: { 'compression.level': -1 } },
      { compression: 'gzip', compressionLevel: 9 },
    ]
    const byTable: number[] = []
    try {
      for (const [i, extra] of cases.entries()) await levelCase(i, extra)
    } finally {
      for (const [k, t] of types.entries()) table[t] = saved[k]!
    }
    expect(byTable[0]).toBeGreaterThan(0) // the default level: core's codec in kafkajs's table
    expect(byTable.slice(1)).toEqual([0, 0, 0]) // a level given: never the table's codec

    async function levelCase(i: number, extra: Record<string, unknown>): Promise<void> {
      const before = tableCompressions
      await using p = producer({ topic: `level${i}`, ...extra })
      const topic = `${p.instanceName}.level${i}`
      await kafka.createTopic(topic, { partitions: 1 })
      const values = Array.from({ length: 20 }, (_, seq) => ({ seq, extra, pad: `${seq}`.repeat(300) }))
      for (const v of values) void p.produce(v)
      expect(await p.flush()).toBe(0)
      byTable.push(tableCompressions - before)
      const back = await readBack(kafka.plaintextBootstrapServers, topic, values.length)
      expect(back.map((m) => JSON.parse(m.value!.toString()))).toEqual(values)
    }
  })

  it('zstd (the default) fits a compressible 3 MiB event under the broker 1 MiB limit; none does not', async () => {
    const big = { filecontents: Buffer.alloc(3 * 1024 * 1024, 'coinc ').toString('base64') }
    await using zstd = producer({ topic: 'big' })
    await kafka.createTopic(`${zstd.instanceName}.big`, { partitions: 1 })
    const report = await zstd.produce(big)
    const [m] = await readBack(kafka.plaintextBootstrapServers, report.topic, 1)
    expect(JSON.parse(m!.value!.toString())).toEqual(big)
    await using plain = producer({ topic: 'big', compression: 'none' })
    await kafka.createTopic(`${plain.instanceName}.big`, { partitions: 1 })
    await expect(plain.produce(big)).rejects.toMatchObject({ code: 'ERR_KAFKA_MESSAGE_TOO_LARGE' })
  })
})
