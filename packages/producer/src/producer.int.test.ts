// GraceDbKafkaProducer against the real broker (SASL_SSL + SciToken): delivery, namespacing, flush and close.
// Connection, TLS and token failures: producer-failures.int.test.ts.
import { randomBytes } from 'node:crypto'
import { KafkaMessageDeliveryError } from '@gracedb-kafka/core'
import { describe, expect, it } from 'vitest'
import { crc32 } from './partitioner.js'
import { type DeliveryReport, GraceDbKafkaProducer } from './producer.js'
import { pythonJsonDumps } from './python-json.js'
import { kafka, producer, uniqueInstance, useProducerBroker } from './testing/broker-fixture.js'
import { readBack } from './testing/read-back.js'

useProducerBroker('producer-int', 'it')

describe('GraceDbKafkaProducer against the real broker (SASL_SSL + SciToken)', () => {
  it('delivers an object, a string and bytes, with key, headers and partition, byte-for-byte', async () => {
    await using p = producer({ topic: 'wire' })
    const topic = `${p.instanceName}.wire`
    await kafka.createTopic(topic, { partitions: 3 })
    const event = { graceid: 'G12345', group: 'CBC', far: 1.5e-7, name: 'Zoë' }
    const bytes = new Uint8Array([0, 1, 2, 254, 255])
    const reports = await Promise.all([
      p.produce(event, { key: 'G12345', headers: { source: 'gstlal', bin: new Uint8Array([9, 8]) } }),
      p.produce('plain text ✓', { partition: 2 }),
      p.produce(bytes, { key: new Uint8Array([7]), partition: 0 }),
    ])
    expect(reports.map((r) => r.topic)).toEqual([topic, topic, topic])
    expect(reports[0]!.partition).toBe(crc32(Buffer.from('G12345')) % 3)
    expect(reports[1]!.partition).toBe(2)
    expect(reports[2]!.partition).toBe(0)
    expect([...(reports[0]!.key ?? [])]).toEqual([...Buffer.from('G12345')])

    const read = await readBack(kafka.plaintextBootstrapServers, topic, 3)
    expect(read).toHaveLength(3)
    const at = (r: DeliveryReport) => read.find((m) => m.partition === r.partition && m.offset === r.offset)!
    const [obj, str, bin] = reports.map(at)
    expect(obj!.value!.toString('latin1')).toBe(pythonJsonDumps(event))
    expect(obj!.value!.toString('utf8')).toBe(
      '{"graceid": "G12345", "group": "CBC", "far": 1.5e-07, "name": "Zo\\u00eb"}',
    )
    expect(obj!.key!.toString()).toBe('G12345')
    expect(obj!.headers.source!.toString()).toBe('gstlal')
    expect([...obj!.headers.bin!]).toEqual([9, 8])
    expect(obj!.timestamp).toBe(reports[0]!.timestamp)
    expect(str!.value!.equals(Buffer.from('plain text ✓', 'utf8'))).toBe(true)
    expect(str!.key).toBeNull()
    expect([...bin!.value!]).toEqual([...bytes])
    expect([...bin!.key!]).toEqual([7])
  })

  it('namespaces from serviceUrl and instanceName, with a default and a per-call topic', async () => {
    const name = uniqueInstance()
    await using fromUrl = new GraceDbKafkaProducer({
      bootstrapServers: kafka.bootstrapServers,
      caCertPath: kafka.caCertPath,
      serviceUrl: `https://${name}.ligo.org/api/`,
      topic: 'test',
    })
    expect(fromUrl.instanceName).toBe(name)
    await kafka.createTopic(`${name}.test`, { partitions: 1 })
    await kafka.createTopic(`${name}.gstlal`, { partitions: 1 })
    expect((await fromUrl.produce({ n: 1 })).topic).toBe(`${name}.test`)
    expect((await fromUrl.produce({ n: 2 }, { topic: 'gstlal' })).topic).toBe(`${name}.gstlal`)

    await using byName = producer()
    expect(() => byName.produce({ n: 3 })).toThrow(/Topic must be specified/)
    await kafka.createTopic(`${byName.instanceName}.cwb`, { partitions: 1 })
    const r = await byName.produce({ n: 3 }, { topic: 'cwb' })
    expect(r.topic).toBe(`${byName.instanceName}.cwb`)
    const [m] = await readBack(kafka.plaintextBootstrapServers, r.topic, 1)
    expect(JSON.parse(m!.value!.toString())).toEqual({ n: 3 })
  })

  it('un-awaited produce() calls then flush(): all delivered once, offsets contiguous, flush resolves 0', async () => {
    await using p = producer({ topic: 'many' })
    const topic = `${p.instanceName}.many`
    await kafka.createTopic(topic, { partitions: 3 })
    const n = 3000
    const deliveries: Promise<DeliveryReport>[] = []
    for (let i = 0; i < n; i++) deliveries.push(p.produce({ i, pad: 'x'.repeat(200) }))
    expect(p.pendingMessages).toBe(n)
    expect(await p.flush()).toBe(0)
    expect(p.pendingMessages).toBe(0)
    const reports = await Promise.all(deliveries)
    const seen = new Set(reports.map((r) => `${r.partition}:${r.offset}`))
    expect(seen.size).toBe(n)
    const read = await readBack(kafka.plaintextBootstrapServers, topic, n)
    expect(read).toHaveLength(n)
    expect(new Set(read.map((m) => `${m.partition}:${m.offset}`))).toEqual(seen)
    const values = new Set(read.map((m) => JSON.parse(m.value!.toString()).i))
    expect(values.size).toBe(n)
    // Batched: the broker stores one record batch per partition per produce request, so the number of
    // distinct batches bounds the number of requests. One request per message would give 3000.
    const batches = new Set(read.map((m) => `${m.partition}:${m.batch.firstOffset}`))
    expect(batches.size).toBeLessThanOrEqual(n / 50)
    console.info(`batching: ${n} un-awaited messages stored in ${batches.size} record batches`)
  })

  it('close() with many batches queued delivers every message exactly once', async () => {
    // batch.num.messages 100 and one request in flight: 1000 messages need at least 10 requests after close().
    const p = producer({ topic: 'closing', kafkaConfig: { 'batch.num.messages': 100, 'linger.ms': 1_000 } })
    const topic = `${p.instanceName}.closing`
    await kafka.createTopic(topic, { partitions: 2 })
    const n = 1000
    const deliveries: Promise<DeliveryReport>[] = []
    for (let i = 0; i < n; i++) deliveries.push(p.produce({ i }))
    await p.close(60)
    const outcomes = await Promise.allSettled(deliveries)
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([])
    expect(p.pendingMessages).toBe(0)
    const read = await readBack(kafka.plaintextBootstrapServers, topic, n)
    expect(read).toHaveLength(n)
    const values = read.map((m) => JSON.parse(m.value!.toString()).i as number).sort((a, b) => a - b)
    expect(values).toEqual(Array.from({ length: n }, (_, i) => i))
    expect(new Set(read.map((m) => `${m.partition}:${m.batch.firstOffset}`)).size).toBeGreaterThanOrEqual(10)
  })

  it('guaranteedDelivery: idempotent batches by default, plain batches when false', async () => {
    await using safe = producer({ topic: 'acks' })
    await using fast = producer({ topic: 'acks', guaranteedDelivery: false })
    await kafka.createTopic(`${safe.instanceName}.acks`, { partitions: 1 })
    await kafka.createTopic(`${fast.instanceName}.acks`, { partitions: 1 })
    const [a, b] = await Promise.all([safe.produce('safe'), fast.produce('fast')])
    const [fromSafe] = await readBack(kafka.plaintextBootstrapServers, a.topic, 1)
    const [fromFast] = await readBack(kafka.plaintextBootstrapServers, b.topic, 1)
    // The broker gives an idempotent producer an id; a plain producer writes batches with producer id -1.
    expect(fromSafe!.value!.toString()).toBe('safe')
    expect(fromSafe!.batch.producerId).toBeGreaterThanOrEqual(0)
    expect(fromFast!.value!.toString()).toBe('fast')
    expect(fromFast!.batch.producerId).toBe(-1)
  })

  it('flush(0) reports the queue without waiting; pendingMessages counts queued and in-flight messages', async () => {
    await using p = producer({ topic: 'pending', kafkaConfig: { 'linger.ms': 2_000 } })
    await kafka.createTopic(`${p.instanceName}.pending`, { partitions: 1 })
    expect(await p.flush(0)).toBe(0)
    const d = p.produce('a')
    p.produce('b')
    expect(p.pendingMessages).toBe(2)
    expect(await p.flush(0)).toBe(2) // still lingering
    expect(await p.flush(30)).toBe(0) // flush sends without waiting for the linger
    expect((await d).offset).toBeGreaterThanOrEqual(0)
    // A timeout beyond Node's timer limit (2**31-1 ms) waits for delivery instead of returning at once.
    const delivered: Array<DeliveryReport | null> = []
    p.produce('c', { onDelivery: (_err, report) => delivered.push(report) })
    expect(await p.flush(1e9)).toBe(0)
    expect(delivered).toHaveLength(1)
    expect(delivered[0]?.offset).toBeGreaterThanOrEqual(0)
    p.produce('d', { onDelivery: (_err, report) => delivered.push(report) })
    expect(await p.flush(Number.POSITIVE_INFINITY)).toBe(0)
    expect(delivered).toHaveLength(2)
    expect(delivered[1]?.offset).toBeGreaterThanOrEqual(0)
  })

  it('a message over the broker limit fails clearly; an unseen failure rejects the next flush() once', async () => {
    // Random bytes: zstd (the default compression) cannot shrink them below the broker's 1 MiB limit.
    await using p = producer({ topic: 'big' })
    const topic = `${p.instanceName}.big`
    await kafka.createTopic(topic, { partitions: 1 })
    const errors: unknown[] = []
    // Not awaited, no callback: only flush() can tell the caller.
    p.produce(randomBytes(2 * 1024 * 1024))
    const flushed = p.flush(30)
    await expect(flushed).rejects.toBeInstanceOf(KafkaMessageDeliveryError)
    const err = (await flushed.catch((e: unknown) => e)) as KafkaMessageDeliveryError
    expect(err.code).toBe('ERR_KAFKA_MESSAGE_TOO_LARGE')
    expect(err.topic).toBe(topic)
    expect(err.partition).toBe(0)
    expect(await p.flush(0)).toBe(0) // reported once

    // Seen through onDelivery or the promise: not reported again by flush().
    p.produce(randomBytes(2 * 1024 * 1024), { onDelivery: (e) => errors.push(e) })
    const awaited = p.produce(randomBytes(2 * 1024 * 1024))
    await expect(awaited).rejects.toMatchObject({ code: 'ERR_KAFKA_MESSAGE_TOO_LARGE' })
    expect(await p.flush(30)).toBe(0)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(KafkaMessageDeliveryError)

    // Small messages still go through after the failures.
    expect((await p.produce('small')).topic).toBe(topic)
  })

  it('ping() sends the reference payload with the token sub and scope and returns where it landed', async () => {
    await using p = producer()
    await kafka.createTopic(`${p.instanceName}.test`, { partitions: 1 })
    await kafka.createTopic(`${p.instanceName}.gstlal`, { partitions: 1 })
    const result = await p.ping({ timeout: 30 })
    expect(result.topic).toBe(`${p.instanceName}.test`)
    expect(result.message).toMatchObject({
      type: 'ping',
      client: 'gracedb-kafka',
      sub: 'producer-int',
      scope: 'gracedb.read kafka.produce kafka.consume',
    })
    expect(typeof result.message.timestamp).toBe('number')
    const [m] = await readBack(kafka.plaintextBootstrapServers, result.topic, 1)
    expect(m!.partition).toBe(result.partition)
    expect(m!.offset).toBe(result.offset)
    expect(JSON.parse(m!.value!.toString())).toEqual(result.message)
    expect(m!.value!.toString()).toMatch(
      /^\{"type": "ping", "timestamp": \d+(\.\d+)?, "client": "gracedb-kafka", /,
    )
    const other = await p.ping({ topic: 'gstlal' })
    expect(other.topic).toBe(`${p.instanceName}.gstlal`)
  })

  it('await using flushes and closes at the end of the block; close() is idempotent', async () => {
    let instance = ''
    let escaped: GraceDbKafkaProducer | undefined
    const n = 250
    {
      await using p = producer({
        topic: 'scoped',
        kafkaConfig: { 'linger.ms': 1_000, 'batch.num.messages': 50 },
      })
      instance = p.instanceName
      escaped = p
      await kafka.createTopic(`${instance}.scoped`, { partitions: 1 })
      p.produce({ scoped: true }) // not awaited: dispose must flush it
      for (let i = 1; i < n; i++) p.produce({ i }) // several batches: dispose must send them all
    }
    const read = await readBack(kafka.plaintextBootstrapServers, `${instance}.scoped`, n)
    expect(read).toHaveLength(n)
    const values = read.map((m) => JSON.parse(m.value!.toString()))
    expect(values).toContainEqual({ scoped: true })
    expect(new Set(values.map((v) => v.i ?? 0)).size).toBe(n)
    await escaped!.close()
    expect(() => escaped!.produce('late')).toThrow(
      expect.objectContaining({ code: 'ERR_CLIENT_CLOSED', client: 'producer' }),
    )
  })
})
