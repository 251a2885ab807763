// What a GraceDB pipeline reads: batches compressed with every codec Kafka producers use, and upload messages
// validated against the reference's schema with their event files decoded.
import { registerCodecs } from '@gracedb-kafka/core'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import kafkajs from 'kafkajs'
import { beforeAll, describe, expect, it } from 'vitest'
import { GraceDbKafkaConsumer } from './consumer.js'
import type { GraceDbMessageError } from './gracedb-message.js'
import {
  committedOffsets,
  consumerOptions,
  freshTopic,
  plaintextClient,
  uniq,
  useToken,
} from './testing/helpers.js'

let kafka: SharedKafka

beforeAll(async () => {
  kafka = await sharedKafka()
  await useToken(kafka)
})

/** Send `values` in one batch per codec, compressed with it (over PLAINTEXT, kafkajs directly). */
async function produceCompressed(
  topic: string,
  batches: { codec: number; values: string[] }[],
): Promise<void> {
  registerCodecs(kafkajs.CompressionCodecs, kafkajs.CompressionTypes)
  const producer = plaintextClient(kafka).producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  try {
    for (const { codec, values } of batches) {
      await producer.send({ topic, compression: codec, messages: values.map((value) => ({ value })) })
    }
  } finally {
    await producer.disconnect()
  }
}

const upload = (graceid: string, file: string): string =>
  JSON.stringify({
    type: 'upload',
    gracedb_server: 'https://gracedb-test.ligo.org/api/',
    graceid,
    pipeline: 'gstlal',
    gracedb_upload: true,
    labels: [],
    eventFile: ['coinc.xml', Buffer.from(file).toString('base64')],
  })

describe('GraceDB messages on the real broker', () => {
  it('reads batches compressed with none, gzip, snappy, lz4 and zstd', async () => {
    const { instance, topic } = await freshTopic(kafka)
    const { None, GZIP, Snappy, LZ4, ZSTD } = kafkajs.CompressionTypes
    const codecs = { none: None, gzip: GZIP, snappy: Snappy, lz4: LZ4, zstd: ZSTD }
    const batches = Object.entries(codecs).map(([name, codec]) => ({
      codec,
      values: Array.from({ length: 20 }, (_, i) => JSON.stringify({ codec: name, i, pad: 'x'.repeat(200) })),
    }))
    await produceCompressed(topic, batches)
    await using consumer = new GraceDbKafkaConsumer(
      consumerOptions(kafka, instance, {
        topics: 'test',
        groupId: `codecs-${uniq()}`,
        autoOffsetReset: 'earliest',
      }),
    )
    const got: { codec: string; i: number }[] = []
    for await (const m of consumer.stream({
      timeout: 0.5,
      count: 100,
      signal: AbortSignal.timeout(60_000),
    })) {
      got.push(m.value as { codec: string; i: number })
    }
    expect(got).toHaveLength(100)
    for (const name of Object.keys(codecs)) {
      expect(got.filter((v) => v.codec === name).map((v) => v.i)).toEqual(
        Array.from({ length: 20 }, (_, i) => i),
      )
    }
  })

  it('stream({ gracedb: true }) yields validated uploads with decoded files and reports the others', async () => {
    const { instance, topic } = await freshTopic(kafka, 'gstlal')
    const values = [
      upload('G1', '<coinc>1</coinc>'),
      JSON.stringify({ type: 'ping', timestamp: 1774900000.5, client: 'ligo-gracedb' }),
      'not json',
      JSON.stringify({ type: 'upload', pipeline: 'gstlal' }),
      upload('G2', '<coinc>2</coinc>'),
    ]
    await produceCompressed(topic, [{ codec: kafkajs.CompressionTypes.ZSTD, values }])
    const groupId = `uploads-${uniq()}`
    const consumer = new GraceDbKafkaConsumer(
      consumerOptions(kafka, instance, {
        topics: 'gstlal',
        groupId,
        autoOffsetReset: 'earliest',
        autoCommit: false,
      }),
    )
    const invalid: GraceDbMessageError[] = []
    const events: { graceid: unknown; file: string; offset: number }[] = []
    for await (const event of consumer.stream({
      gracedb: true,
      count: 2,
      timeout: 0.5,
      signal: AbortSignal.timeout(60_000),
      onInvalid: async (err, message) => {
        invalid.push(err)
        await consumer.commit(message) // with manual commit, a skipped message is committed here
      },
    })) {
      events.push({
        graceid: event.upload.graceid,
        file: event.eventFile.contents.toString('utf8'),
        offset: event.message.offset,
      })
      await consumer.commit(event.message)
    }
    await consumer.close()
    expect(events).toEqual([
      { graceid: 'G1', file: '<coinc>1</coinc>', offset: 0 },
      { graceid: 'G2', file: '<coinc>2</coinc>', offset: 4 },
    ])
    expect(invalid.map((e) => [e.offset, e.field, e.code])).toEqual([
      [2, '', 'ERR_KAFKA_CONSUMER_INVALID_MESSAGE'],
      [3, 'gracedb_server', 'ERR_KAFKA_CONSUMER_INVALID_MESSAGE'],
    ])
    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe(5)
  })
})
