// Interop per compression codec with the Python reference (ligo-gracedb 2.16.1 on confluent-kafka/librdkafka):
// the reference produces each codec (`compression.type`) and our consumer reads the same values, byte for byte;
// our producer produces each codec (`compression`) and the reference's consumer reads them. A probe checks that
// each batch really is compressed with that codec on the wire (wire-codec.ts), so an ignored setting cannot pass.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import { deriveInstanceName, makeTopicName } from '@gracedb-kafka/topics'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { assertPythonPeer, peerForm, runPython } from './python-peer.js'
import { type WireCodec, wireCodec } from './wire-codec.js'

const CODECS: WireCodec[] = ['none', 'gzip', 'zstd', 'lz4', 'snappy']
const SERVICE_URL = 'https://gracedb-codecs.invalid/api/'
const INSTANCE = deriveInstanceName(SERVICE_URL)

let kafka: SharedKafka
let dir: string
let pyEnv: NodeJS.ProcessEnv
const savedEnv = { ...process.env }
const unique = (what: string) => `${what}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

beforeAll(async () => {
  assertPythonPeer()
  kafka = await sharedKafka()
  dir = await mkdtemp(join(tmpdir(), 'gracedb-kafka-codecs-'))
  const tokenPath = await kafka.issuer.writeTokenFile(await kafka.issuer.mint(), join(dir, 'token'))
  for (const name of ['SCITOKEN', 'SCITOKEN_FILE', 'BEARER_TOKEN', '_CONDOR_CREDS']) delete process.env[name]
  process.env.BEARER_TOKEN_FILE = tokenPath
  process.env.XDG_RUNTIME_DIR = dir
  pyEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_RUNTIME_DIR: dir,
    PYTHONDONTWRITEBYTECODE: '1',
    BEARER_TOKEN_FILE: tokenPath,
    GK_BOOTSTRAP_SERVERS: kafka.bootstrapServers,
    GK_CA_CERT_PATH: kafka.caCertPath,
    GK_SERVICE_URL: SERVICE_URL,
  }
})

afterAll(async () => {
  process.env = savedEnv
  if (dir) await rm(dir, { recursive: true, force: true })
})

// Compressible, as real payloads are (librdkafka sends a batch plain when a codec does not make it smaller):
// an upload-like dict with a base64 event file, and bytes that are not UTF-8 (so both sides keep them as bytes).
const EVENT_FILE = Buffer.from(
  `<?xml version="1.0"?><LIGO_LW>${'<Param Name="snr">12.3</Param>'.repeat(600)}</LIGO_LW>\n`,
)
const DICT = {
  type: 'upload',
  graceid: 'G1',
  pipeline: 'gstlal',
  eventFile: ['coinc.xml', EVENT_FILE.toString('base64')],
}
const BYTES = Buffer.from(Array.from({ length: 16_384 }, (_, i) => (i % 7 === 0 ? 0xff : i % 64)))

async function newTopic(codec: WireCodec, direction: string): Promise<string> {
  const pipeline = unique(`${direction}-${codec}`)
  await kafka.createTopic(makeTopicName(INSTANCE, pipeline), { partitions: 1 })
  return pipeline
}

/** Read `count` messages of `pipeline` from the beginning with our consumer (bounded). */
async function ourConsume(pipeline: string, count: number): Promise<{ key: unknown; value: unknown }[]> {
  await using consumer = new GraceDbKafkaConsumer({
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    serviceUrl: SERVICE_URL,
    groupId: unique('codecs-group'),
    autoOffsetReset: 'earliest',
  })
  await consumer.subscribe(pipeline)
  const out: { key: unknown; value: unknown }[] = []
  const deadline = Date.now() + 20_000
  while (out.length < count && Date.now() < deadline) {
    const m = await consumer.poll({ timeout: 0.5 })
    if (m) out.push({ key: m.key, value: m.value })
  }
  return out
}

// Concurrent: each test is mostly waiting on a Python process, a probe process and a consumer group join.
describe.concurrent('the Python reference produces each codec; our consumer reads it', () => {
  for (const codec of CODECS) {
    it(`compression.type=${codec}`, async ({ expect }) => {
      const pipeline = await newTopic(codec, 'py2ts')
      const messages = [
        { topic: pipeline, value: DICT, key: 'G1' },
        { topic: pipeline, value: { $bytes: BYTES.toString('base64') }, key: 'B1' },
      ]
      const produced = await runPython(
        'py_produce.py',
        [],
        { ...pyEnv, GK_PY_COMPRESSION: codec },
        { input: JSON.stringify(messages) },
      )
      expect(produced.code, produced.stderr).toBe(0)
      expect(await wireCodec(kafka.plaintextBootstrapServers, makeTopicName(INSTANCE, pipeline))).toBe(codec)

      const got = await ourConsume(pipeline, 2)
      expect(got.map((m) => m.key)).toEqual(['G1', 'B1'])
      expect(got[0]!.value).toEqual(DICT)
      expect(got[1]!.value).toBeInstanceOf(Uint8Array)
      expect(Buffer.from(got[1]!.value as Uint8Array).equals(BYTES)).toBe(true)
    })
  }
})

describe.concurrent('our producer produces each codec; the Python reference consumer reads it', () => {
  for (const codec of CODECS) {
    it(`compression: '${codec}'`, async ({ expect }) => {
      const pipeline = await newTopic(codec, 'ts2py')
      {
        await using producer = new GraceDbKafkaProducer({
          bootstrapServers: kafka.bootstrapServers,
          caCertPath: kafka.caCertPath,
          serviceUrl: SERVICE_URL,
          topic: pipeline,
          compression: codec,
        })
        const reports = [producer.produce(DICT, { key: 'G1' }), producer.produce(BYTES, { key: 'B1' })]
        await producer.flush(20)
        await Promise.all(reports)
      }
      expect(await wireCodec(kafka.plaintextBootstrapServers, makeTopicName(INSTANCE, pipeline))).toBe(codec)

      const consumed = await runPython('py_consume.py', [pipeline, '2', '25'], pyEnv, { timeoutMs: 35_000 })
      expect(consumed.code, consumed.stderr).toBe(0)
      const got = consumed.json as { key: unknown; value: unknown }[]
      expect(got.map((m) => [m.key, m.value])).toEqual([
        ['G1', DICT],
        ['B1', peerForm(BYTES)],
      ])
    })
  }
})
