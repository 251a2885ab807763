// Interoperability with the Python reference (ligo-gracedb 2.16.1, confluent-kafka) as a live peer on the same
// testkit broker (SASL_SSL + OAUTHBEARER) and the same GraceDB stand-in: messages in both directions, byte for
// byte, with and without the reference's default zstd. The Python side runs the reference's public API from
// interop/py_*.py; our side runs in this process. Ping, createEvent and topic names: python-peer-events.
import { GraceDbKafkaProducer, pythonJsonDumps } from '@gracedb-kafka/producer'
import { describe, expect, it } from 'vitest'
import {
  byPosition,
  connection,
  kafka,
  ourConsume,
  pyConsume,
  pyEnv,
  unique,
  usePythonPeer,
} from './peer-fixture.js'
import { peerForm, type RawRecord, readRaw, runPython } from './python-peer.js'
import { wireCodec } from './wire-codec.js'

usePythonPeer()

// A dict whose json.dumps output our producer must reproduce: non-ASCII (incl. astral), escapes, floats in
// both repr styles, ints, nesting, null/bools, empty containers.
const DICT = {
  graceid: 'G1',
  text: 'Grâce — ✓ 😀 "q" \\ /\n\t\u0001\u007f',
  floats: [0.1, 1.5, -3.25, 2.5e-7, 1e-5, 1e22, 123456789.125, 1.7976931348623157e308],
  ints: [0, -1, 42, 9007199254740991],
  nested: { a: [true, false, null], b: {}, c: [] },
}
const pipelineA = unique('py2ts')
const pipelineB = unique('ts2py')
const KEYS = ['G1', 'G2', 'S240101a', 'key-é', 'G123456', 'x', 'GraceDB', 'T7']

describe('Python producer → our consumer', () => {
  it('our consumer decodes every message exactly as the reference consumer does', async () => {
    await kafka.createTopic(`localhost.${pipelineA}`)
    const messages = [
      { topic: pipelineA, value: DICT, key: 'G1', headers: { source: 'python', ünï: 'välue' } },
      { topic: pipelineA, value: 'plain text é', key: 'G2' },
      { topic: pipelineA, value: { $bytes: Buffer.from([0xff, 0, 1, 2]).toString('base64') } },
      {
        topic: pipelineA,
        value: '{"json": "in a str"}',
        key: { $bytes: Buffer.from([0xff, 0xfe]).toString('base64') },
        headers: { ok: 'x', raw: { $bytes: Buffer.from([0xc3, 0x28]).toString('base64') } },
      },
      ...KEYS.map((key) => ({ topic: pipelineA, value: { key }, key })),
    ]
    const produced = await runPython('py_produce.py', [], pyEnv, { input: JSON.stringify(messages) })
    expect(produced.code, produced.stderr).toBe(0)
    expect(produced.json).toHaveLength(messages.length)

    const [ours, theirs] = await Promise.all([
      ourConsume(pipelineA, messages.length),
      pyConsume(pipelineA, messages.length),
    ])
    type Positioned = { partition: number; offset: number; key: unknown }
    const oursInPeerForm = (ours.map(peerForm) as Positioned[]).sort(byPosition)
    const theirsSorted = (theirs as unknown as Positioned[]).sort(byPosition)
    expect(oursInPeerForm).toHaveLength(messages.length)
    expect(oursInPeerForm).toEqual(theirsSorted)
    // and what that looks like to a user:
    const first = oursInPeerForm.find((m) => m.key === 'G1')
    expect(first).toMatchObject({ value: DICT, headers: { source: 'python', ünï: 'välue' } })
  })

  it('our producer writes the same bytes (value, key) and picks the same partition for the same key', async () => {
    await kafka.createTopic(`localhost.${pipelineB}`)
    {
      await using producer = new GraceDbKafkaProducer({ ...connection(), topic: pipelineB })
      await producer.produce(DICT, { key: 'G1', headers: { source: 'python', ünï: 'välue' } })
      for (const key of KEYS) await producer.produce({ key }, { key })
      await producer.flush(20)
    }
    const ours = await readRaw(
      kafka.plaintextBootstrapServers,
      `localhost.${pipelineB}`,
      (r) => r.length >= 9,
    )
    const theirs = await readRaw(
      kafka.plaintextBootstrapServers,
      `localhost.${pipelineA}`,
      (r) => r.length >= 12,
    )
    const isDict = (r: RawRecord) => r.key?.toString() === 'G1' && r.value?.includes('"text"') === true
    const pyDict = theirs.find(isDict)!
    const ourDict = ours.find(isDict)!
    expect(ourDict.value!.toString('latin1')).toBe(pyDict.value!.toString('latin1'))
    expect(ourDict.value!.equals(pyDict.value!)).toBe(true)
    expect(ourDict.headers).toEqual(pyDict.headers)
    // librdkafka's default partitioner (consistent_random: CRC32 of the key) vs ours, on the 3-partition topic
    const partitionOf = (records: RawRecord[], key: string) =>
      records.find((r) => r.key?.toString() === key && r.value?.toString().startsWith('{"key": ') === true)
        ?.partition
    const pyPartitions = KEYS.map((k) => partitionOf(theirs, k))
    expect(pyPartitions.every((p) => typeof p === 'number')).toBe(true)
    expect(new Set(pyPartitions).size).toBeGreaterThan(1)
    expect(KEYS.map((k) => partitionOf(ours, k))).toEqual(pyPartitions)
  })
})

describe('JSON a JavaScript value cannot express', () => {
  it('KNOWN DIFFERENCES: integral floats, -0.0, NaN/Infinity and integer-like key order', async () => {
    // What the reference writes for dicts decoded from these texts, and what we write for JSON.parse of them.
    const cases: [text: string, python: string, ours: string][] = [
      ['{"a": 1.0}', '{"a": 1.0}', '{"a": 1}'],
      ['{"a": 1e16}', '{"a": 1e+16}', '{"a": 10000000000000000}'],
      ['{"a": -0.0}', '{"a": -0.0}', '{"a": 0}'],
      ['{"b": 1, "2": 2, "1": 3}', '{"b": 1, "2": 2, "1": 3}', '{"1": 3, "2": 2, "b": 1}'],
      ['{"a": 100000000000000000000001}', '{"a": 100000000000000000000001}', '{"a": 1.0000000000000001e+23}'],
      ['{"a": 0.5, "t": "é"}', '{"a": 0.5, "t": "\\u00e9"}', '{"a": 0.5, "t": "\\u00e9"}'],
    ]
    const r = await runPython('py_dumps.py', [], pyEnv, { input: JSON.stringify(cases.map(([t]) => t)) })
    expect(r.code, r.stderr).toBe(0)
    expect(r.json[0]).toEqual(cases.map(([, python]) => python))
    expect(cases.map(([t]) => pythonJsonDumps(JSON.parse(t)))).toEqual(cases.map(([, , ours]) => ours))
    // NaN/Infinity: Python writes the non-JSON tokens NaN/Infinity; we write null (JSON.stringify's rule).
    expect(pythonJsonDumps({ a: Number.NaN, b: Number.POSITIVE_INFINITY })).toBe('{"a": null, "b": null}')
  })
})

describe('compression', () => {
  it('our consumer reads what the reference produces with its default zstd compression', async () => {
    const pipeline = unique('zstd')
    await kafka.createTopic(`localhost.${pipeline}`, { partitions: 1 })
    // librdkafka sends a batch uncompressed when zstd does not make it smaller, so give it something
    // compressible, like a real event file.
    const eventFile = Buffer.from('<LIGO_LW>'.padEnd(20_000, '<Param/>')).toString('base64')
    const value = { type: 'upload', graceid: 'G1', eventFile: ['coinc.xml', eventFile] }
    const messages = [{ topic: pipeline, value, key: 'G1' }]
    const { GK_PY_COMPRESSION: _none, ...defaults } = pyEnv
    const produced = await runPython('py_produce.py', [], defaults, { input: JSON.stringify(messages) })
    expect(produced.code, produced.stderr).toBe(0)
    // The batch on the wire really is zstd, as the reference sends it (plain kafkajs has no codec for it) ...
    expect(await wireCodec(kafka.plaintextBootstrapServers, `localhost.${pipeline}`)).toBe('zstd')
    // ... and both the reference's consumer and ours read the same value.
    expect((await pyConsume(pipeline, 1)).map((m) => m.value)).toEqual([value])
    expect((await ourConsume(pipeline, 1)).map((m) => (m as { value: unknown }).value)).toEqual([value])
  })
})

describe('our producer → Python consumer', () => {
  it('the reference consumer reads our values, keys and headers', async () => {
    const pipeline = unique('ours')
    await kafka.createTopic(`localhost.${pipeline}`)
    {
      await using producer = new GraceDbKafkaProducer({ ...connection(), topic: pipeline })
      await producer.produce(DICT, { key: 'G1', headers: { source: 'ts', ünï: 'välue' }, partition: 0 })
      await producer.produce('plain text é', { key: 'G2', partition: 0 })
      await producer.produce(new Uint8Array([0xff, 0, 1, 2]), { partition: 0 })
      await producer.produce('{"json": "in a str"}', {
        key: new Uint8Array([0xff, 0xfe]),
        headers: { ok: 'x', raw: new Uint8Array([0xc3, 0x28]) },
        partition: 0,
      })
      await producer.flush(20)
    }
    const got = await pyConsume(pipeline, 4)
    expect(got.map((m) => [m.key, m.value, m.headers])).toEqual([
      ['G1', DICT, { source: 'ts', ünï: 'välue' }],
      ['G2', 'plain text é', null],
      [null, { $bytes: '/wABAg==' }, null],
      [{ $bytes: '//4=' }, { json: 'in a str' }, { ok: { $bytes: 'eA==' }, raw: { $bytes: 'wyg=' } }],
    ])
    expect(got.every((m) => m.topic === `localhost.${pipeline}` && typeof m.timestamp === 'number')).toBe(
      true,
    )
  })
})
