import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { COMPRESSION_NAMES, type CompressionName, compressionType, registerCodecs } from '@gracedb-kafka/core'
import { plaintextKafka } from '@gracedb-kafka/testkit'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import kafkajs from 'kafkajs'
import { beforeAll, describe, expect, it } from 'vitest'

// Core's codecs on the wire, against the two other implementations a GraceDB deployment meets: the Java broker
// (which decompresses every batch it accepts to validate it) and librdkafka (ligo-gracedb's confluent-kafka, in
// the project's Python venv). For each codec: batches we compress are accepted by the broker and read by
// librdkafka; batches librdkafka compresses are read by kafkajs with our codecs. Skipped without the venv.
const PY = fileURLToPath(new URL('../../../.venv/bin/python', import.meta.url))
const { CompressionCodecs, CompressionTypes } = kafkajs
const codecs = COMPRESSION_NAMES.filter((n): n is Exclude<CompressionName, 'none'> => n !== 'none')
const BIG = Buffer.from('GraceDB superevent S'.repeat(12000)) // 240 kB: several LZ4/snappy blocks
const payloads = (tag: string) => [
  BIG,
  randomBytes(3000),
  ...Array.from({ length: 8 }, (_, i) => Buffer.from(`${tag} message ${i}`)),
]
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

const PYTHON = `
import hashlib, json, sys
from confluent_kafka import Consumer, Producer, TopicPartition, OFFSET_BEGINNING
args = json.load(sys.stdin)
out = {"read": {}, "errors": []}
for codec, topic, n in args["read"]:
    c = Consumer({"bootstrap.servers": args["servers"], "group.id": "interop-" + topic, "enable.auto.commit": False})
    c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    got = []
    for _ in range(300):
        m = c.poll(0.1)
        if m is None:
            if len(got) >= n: break
            continue
        if m.error():
            out["errors"].append(str(m.error())); continue
        got.append(hashlib.sha256(m.value()).hexdigest())
        if len(got) >= n: break
    c.close()
    out["read"][codec] = got
for codec, topic, values in args["write"]:
    p = Producer({"bootstrap.servers": args["servers"], "compression.type": codec, "linger.ms": 50})
    for v in values:
        p.produce(topic, bytes.fromhex(v))
    left = p.flush(20)
    if left: out["errors"].append(f"{codec}: {left} undelivered")
print(json.dumps(out))
`

let kafka: SharedKafka
let client: kafkajs.Kafka
const run = randomBytes(3).toString('hex')
const ours = (codec: string) => `interop-ours-${codec}-${run}`
const theirs = (codec: string) => `interop-py-${codec}-${run}`

/** Calls of each codec's compress/decompress in this process, to show every codec really ran. */
const calls = { compress: new Map<number, number>(), decompress: new Map<number, number>() }
interface Codec {
  compress(e: { buffer: Buffer }): Promise<Buffer>
  decompress(b: Buffer): Promise<Buffer>
}
function countCalls(): void {
  const table = CompressionCodecs as unknown as Record<number, () => Codec>
  for (const codec of codecs) {
    const type = compressionType(codec, CompressionTypes)
    const factory = table[type] as () => Codec
    const bump = (m: Map<number, number>) => m.set(type, (m.get(type) ?? 0) + 1)
    table[type] = () => {
      const inner = factory()
      return {
        compress: (e) => {
          bump(calls.compress)
          return inner.compress(e)
        },
        decompress: (b) => {
          bump(calls.decompress)
          return inner.decompress(b)
        },
      }
    }
  }
}

beforeAll(async () => {
  registerCodecs(CompressionCodecs, CompressionTypes)
  countCalls()
  kafka = await sharedKafka()
  for (const codec of codecs) {
    await kafka.createTopic(ours(codec), { partitions: 1 })
    await kafka.createTopic(theirs(codec), { partitions: 1 })
  }
  client = plaintextKafka(kafka.plaintextBootstrapServers.split(','), { patient: true })
})

describe.runIf(existsSync(PY))('compression interop with the Java broker and librdkafka', () => {
  const sent = new Map<string, Buffer[]>()
  const fromPython = new Map<string, Buffer[]>()
  let python: { read: Record<string, string[]>; errors: string[] } = { read: {}, errors: [] }

  beforeAll(async () => {
    const producer = client.producer()
    await producer.connect()
    try {
      for (const codec of codecs) {
        const values = payloads(`ours-${codec}`)
        sent.set(codec, values)
        // One batch: the broker decompresses it to validate it, so a bad frame is refused here.
        await producer.send({
          topic: ours(codec),
          compression: compressionType(codec, CompressionTypes),
          messages: values.map((value) => ({ value })),
        })
      }
    } finally {
      await producer.disconnect()
    }
    for (const codec of codecs) fromPython.set(codec, payloads(`python-${codec}`))
    const args = {
      servers: kafka.plaintextBootstrapServers,
      read: codecs.map((c) => [c, ours(c), sent.get(c)?.length]),
      write: codecs.map((c) => [c, theirs(c), fromPython.get(c)?.map((b) => b.toString('hex'))]),
    }
    const r = spawnSync(PY, ['-c', PYTHON], {
      input: JSON.stringify(args),
      encoding: 'utf8',
      timeout: 150_000,
      maxBuffer: 64 << 20,
    })
    expect(r.status, `${r.error ?? ''} ${r.stderr}`).toBe(0)
    python = JSON.parse(r.stdout)
  })

  it('librdkafka reported no errors', () => {
    expect(python.errors).toEqual([])
  })

  it.each(codecs)(
    '%s: batches we compress are accepted by the broker and read intact by librdkafka',
    (codec) => {
      expect(calls.compress.get(compressionType(codec, CompressionTypes))).toBeGreaterThan(0)
      expect(python.read[codec]).toEqual(sent.get(codec)?.map(sha))
    },
  )

  it.each(codecs)(
    '%s: batches librdkafka compresses are read intact by kafkajs with our codecs',
    async (codec) => {
      const consumer = client.consumer({ groupId: `interop-${codec}-${run}` })
      const got: Buffer[] = []
      await consumer.connect()
      try {
        await consumer.subscribe({ topic: theirs(codec), fromBeginning: true })
        await consumer.run({
          eachMessage: async ({ message }) => {
            if (message.value) got.push(message.value)
          },
        })
        const expected = fromPython.get(codec) ?? []
        await expect
          .poll(() => got.length, { timeout: 60_000, interval: 200 })
          .toBeGreaterThanOrEqual(expected.length)
        expect(got.map(sha)).toEqual(expected.map(sha))
        expect(calls.decompress.get(compressionType(codec, CompressionTypes))).toBeGreaterThan(0)
      } finally {
        await consumer.disconnect()
      }
    },
  )
})
