// Interoperability with the Python reference (ligo-gracedb 2.16.1, confluent-kafka) as a live peer on the same
// testkit broker (SASL_SSL + OAUTHBEARER) and the same GraceDB stand-in. The Python side runs the reference's
// public API from interop/py_*.py; our side runs in this process.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import { GraceDbKafkaProducer, pythonJsonDumps } from '@gracedb-kafka/producer'
import { GraceDb } from '@gracedb-kafka/rest'
import { startGraceDbStandIn } from '@gracedb-kafka/testkit'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import { deriveInstanceName, makeTopicName, parseTopicName, TopicNameError } from '@gracedb-kafka/topics'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertPythonPeer, peerForm, type RawRecord, readRaw, runPython } from './python-peer.js'
import { wireCodec } from './wire-codec.js'

let kafka: SharedKafka
let gracedb: Awaited<ReturnType<typeof startGraceDbStandIn>>
let dir: string
let pyEnv: NodeJS.ProcessEnv
const savedEnv = { ...process.env }
const unique = (what: string) =>
  `interop-${what}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

beforeAll(async () => {
  assertPythonPeer()
  kafka = await sharedKafka()
  gracedb = await startGraceDbStandIn({ kafka })
  dir = await mkdtemp(join(tmpdir(), 'gracedb-kafka-interop-'))
  await mkdir(join(dir, 'cache'))
  const token = await kafka.issuer.mint({ aud: [kafka.issuer.audience, gracedb.audience] })
  const tokenPath = await kafka.issuer.writeTokenFile(token, join(dir, 'token'))
  // Both sides find the same token by WLCG discovery; nothing else from this machine.
  for (const name of ['SCITOKEN', 'SCITOKEN_FILE', 'BEARER_TOKEN', '_CONDOR_CREDS']) delete process.env[name]
  process.env.BEARER_TOKEN_FILE = tokenPath
  process.env.XDG_RUNTIME_DIR = dir
  pyEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_RUNTIME_DIR: dir,
    XDG_CACHE_HOME: join(dir, 'cache'),
    PYTHONDONTWRITEBYTECODE: '1', // no __pycache__ left in interop/
    BEARER_TOKEN_FILE: tokenPath,
    GK_BOOTSTRAP_SERVERS: kafka.bootstrapServers,
    GK_CA_CERT_PATH: kafka.caCertPath,
    GK_SERVICE_URL: gracedb.serviceUrl,
    GK_ISSUER: kafka.issuer.issuer,
    GK_ISSUER_JWKS: JSON.stringify(kafka.issuer.jwks),
    // The reference compresses with zstd by default; the zstd tests below use that default. Everything else
    // runs the reference with compression.type=none, so raw byte comparisons see plain records.
    GK_PY_COMPRESSION: 'none',
  }
})

afterAll(async () => {
  process.env = savedEnv
  await gracedb?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const connection = () => ({
  bootstrapServers: kafka.bootstrapServers,
  serviceUrl: gracedb.serviceUrl,
  caCertPath: kafka.caCertPath,
})

async function ourConsume(pipeline: string, count: number): Promise<unknown[]> {
  await using consumer = new GraceDbKafkaConsumer({
    ...connection(),
    groupId: unique('group'),
    autoOffsetReset: 'earliest',
  })
  await consumer.subscribe(pipeline)
  const out: unknown[] = []
  const deadline = Date.now() + 20_000
  while (out.length < count && Date.now() < deadline) {
    const m = await consumer.poll({ timeout: 0.5 })
    if (m) out.push(m)
  }
  return out
}

async function pyConsume(pipeline: string, count: number): Promise<Record<string, unknown>[]> {
  const r = await runPython('py_consume.py', [pipeline, String(count), '25'], pyEnv, { timeoutMs: 35_000 })
  expect(r.code, r.stderr).toBe(0)
  return r.json as Record<string, unknown>[]
}

const byPosition = (a: { partition: number; offset: number }, b: { partition: number; offset: number }) =>
  a.partition - b.partition || a.offset - b.offset

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

describe('ping', () => {
  it('the reference and we send the same payload fields; only `client` differs by design', async () => {
    const pipeline = unique('ping')
    await kafka.createTopic(`localhost.${pipeline}`)
    const py = await runPython('py_ping.py', [pipeline], pyEnv)
    expect(py.code, py.stderr).toBe(0)
    {
      await using producer = new GraceDbKafkaProducer(connection())
      await producer.ping({ topic: pipeline })
    }
    const raw = await readRaw(kafka.plaintextBootstrapServers, `localhost.${pipeline}`, (r) => r.length >= 2)
    const payloads = raw.map((r) => JSON.parse(r.value!.toString()) as Record<string, unknown>)
    const theirs = payloads.find((p) => p.client !== 'gracedb-kafka')
    const ours = payloads.find((p) => p.client === 'gracedb-kafka')
    expect(Object.keys(ours!)).toEqual(Object.keys(theirs!))
    expect(Object.keys(ours!)).toEqual(['type', 'timestamp', 'client', 'sub', 'scope'])
    expect(theirs!.client).toBe('ligo-gracedb')
    expect(ours!.client).toBe('gracedb-kafka')
    const { timestamp: t1, client: _c1, ...restTheirs } = theirs!
    const { timestamp: t2, client: _c2, ...restOurs } = ours!
    expect(restOurs).toEqual(restTheirs)
    expect(restOurs).toMatchObject({ type: 'ping', sub: 'testuser' })
    expect(Math.abs((t1 as number) - (t2 as number))).toBeLessThan(60)
    expect(raw.every((r) => r.key === null)).toBe(true)
  })
})

describe('createEvent', () => {
  it("the reference's create_event with its default zstd compression reaches GraceDB through the supervisor", async () => {
    // A compressible event file, as real coinc.xml files are, so librdkafka really sends a zstd batch.
    const filecontents = `<?xml version="1.0"?><LIGO_LW>${'<Param Name="snr">12.3</Param>'.repeat(800)}</LIGO_LW>\n`
    const inputs = { group: 'CBC', pipeline: 'gstlal', filename: 'coinc.xml', filecontents, search: 'AllSky' }
    const { GK_PY_COMPRESSION: _none, ...defaults } = pyEnv
    const py = await runPython('py_create_event.py', [], defaults, { input: JSON.stringify(inputs) })
    expect(py.code, py.stderr).toBe(0)
    const graceid = (py.json[0] as { reservation: { graceid: string } }).reservation.graceid
    const stored = await gracedb.waitForEvent(graceid)
    expect(stored).toMatchObject({ graceid, group: 'CBC', pipeline: 'gstlal', via: 'kafka' })
    expect(Buffer.from(stored.contents).toString('utf8')).toBe(filecontents)
  })

  it('the reference and we publish the same upload message for the same inputs', async () => {
    const inputs = {
      group: 'CBC',
      pipeline: 'gstlal',
      filename: 'coinc.xml',
      filecontents: '<?xml version="1.0"?><LIGO_LW>Grâce ✓</LIGO_LW>\n',
      search: 'AllSky',
      labels: ['INJ', 'DQV'],
    }
    const py = await runPython('py_create_event.py', [], pyEnv, { input: JSON.stringify(inputs) })
    expect(py.code, py.stderr).toBe(0)
    const pyGraceid = (py.json[0] as { reservation: { graceid: string } }).reservation.graceid
    const client = new GraceDb(gracedb.serviceUrl, { apiVersion: 'v2' })
    let ourGraceid: string
    {
      await using producer = new GraceDbKafkaProducer(connection())
      const response = await client.createEvent(inputs.group, inputs.pipeline, inputs.filename, {
        filecontents: inputs.filecontents,
        search: inputs.search,
        labels: inputs.labels,
        kafka: producer,
      })
      ourGraceid = ((await response.json()) as { graceid: string }).graceid
    }
    // The stand-in's supervisor completes both uploads from the Kafka messages.
    const [pyEvent, ourEvent] = await Promise.all([
      gracedb.waitForEvent(pyGraceid),
      gracedb.waitForEvent(ourGraceid),
    ])
    for (const e of [pyEvent, ourEvent])
      expect(e).toMatchObject({ group: 'CBC', pipeline: 'gstlal', via: 'kafka' })

    const wanted = new Set([pyGraceid, ourGraceid])
    const found = new Map<string, Buffer>()
    await readRaw(kafka.plaintextBootstrapServers, 'localhost.gstlal', (records) => {
      for (const r of records)
        if (r.key && wanted.has(r.key.toString())) found.set(r.key.toString(), r.value!)
      return found.size === 2
    })
    const theirsRaw = found.get(pyGraceid)!.toString('utf8')
    const oursRaw = found.get(ourGraceid)!.toString('utf8')
    const theirs = JSON.parse(theirsRaw) as Record<string, unknown>
    const ours = JSON.parse(oursRaw) as Record<string, unknown>
    expect(Object.keys(ours)).toEqual(Object.keys(theirs))
    const strip = ({
      graceid: _g,
      submitter: _s,
      _producer_timestamp: _t,
      ...rest
    }: Record<string, unknown>) => rest
    expect(strip(ours)).toEqual(strip(theirs))
    expect((ours.eventFile as string[])[1]).toBe((theirs.eventFile as string[])[1])
    expect(Buffer.from((ours.eventFile as string[])[1]!, 'base64').toString()).toBe(inputs.filecontents)
    expect([theirs.graceid, ours.graceid]).toEqual([pyGraceid, ourGraceid])
    expect(ours.submitter).toBe(theirs.submitter)
    // Byte for byte, once the graceid and the build time are the same:
    const stamp = (raw: string) => raw.match(/"_producer_timestamp": ([0-9.e+-]+)/)![1]!
    const aligned = theirsRaw
      .replace(`"graceid": "${pyGraceid}"`, `"graceid": "${ourGraceid}"`)
      .replace(`"_producer_timestamp": ${stamp(theirsRaw)}`, `"_producer_timestamp": ${stamp(oursRaw)}`)
    expect(oursRaw).toBe(aligned)
  })
})

describe('topic utilities', () => {
  it('deriveInstanceName / makeTopicName / parseTopicName agree with the reference (table)', async () => {
    const derive = [
      'https://gracedb-dev.ligo.org/api/',
      'https://gracedb.ligo.org/api/',
      'https://localhost:8080/api/',
      'http://localhost/api/',
      'https://GraceDB-Playground.LIGO.org/api/',
      'https://user:pw@gracedb-test.ligo.org:443/x',
      'https://192.168.1.1:9092/',
      'https://gracedb-dev',
      'gracedb-dev.ligo.org/api/',
      '',
      'https://:8080/',
    ]
    const make: [string, string][] = [
      ['gracedb-dev', 'gstlal'],
      ['gracedb', 'test'],
      ['localhost', 'MBTA'],
      ['gracedb-dev', 'cwb.allsky'],
      ['a', 'b_c-d'],
    ]
    const parse = ['gracedb-dev.gstlal', 'gracedb.test', 'localhost.cwb.allsky', 'a.b', 'nodot']
    // Inputs the reference accepts and we reject on purpose (not a usable Kafka topic).
    const makeRejected: [string, string][] = [
      ['', ''],
      ['gracedb.dev', 'x'],
      ['gracedb', 'a b'],
      ['gracedb', ''],
    ]
    const parseRejected = ['.gstlal', 'gracedb.', '.']
    const r = await runPython('py_topics.py', [], pyEnv, {
      input: JSON.stringify({
        derive,
        make: [...make, ...makeRejected],
        parse: [...parse, ...parseRejected],
      }),
    })
    expect(r.code, r.stderr).toBe(0)
    type Outcome = { ok: unknown } | { error: string }
    const py = r.json[0] as { derive: Outcome[]; make: Outcome[]; parse: Outcome[] }
    const ours = (fn: () => unknown): Outcome => {
      try {
        return { ok: fn() }
      } catch (err) {
        if (!(err instanceof TopicNameError)) throw err
        return { error: err.message }
      }
    }
    // Same result, or both raised (messages are compared separately where they matter).
    const shape = (o: Outcome) => ('ok' in o ? o : { error: true })
    const oursDerive = derive.map((u) => ours(() => deriveInstanceName(u)))
    expect(oursDerive.map(shape)).toEqual(py.derive.map(shape))
    for (const [i, o] of py.derive.entries()) {
      if ('error' in o) expect(o.error).toMatch(/^ValueError: Cannot parse hostname from URL/)
      if ('error' in o)
        expect((oursDerive[i] as { error: string }).error).toContain('Cannot parse hostname from URL')
    }
    expect(make.map(([i, p]) => ours(() => makeTopicName(i, p)))).toEqual(py.make.slice(0, make.length))
    const oursParse = parse.map((t) => ours(() => parseTopicName(t)))
    expect(oursParse.map(shape)).toEqual(py.parse.slice(0, parse.length).map(shape))
    expect(py.parse[parse.length - 1]).toEqual({
      error: expect.stringMatching(/^ValueError: .* is not namespaced/),
    })
    // Documented differences: the reference returns these, we throw TopicNameError.
    expect(py.make.slice(make.length)).toEqual(makeRejected.map(([i, p]) => ({ ok: `${i}.${p}` })))
    expect(py.parse.slice(parse.length)).toEqual([
      { ok: ['', 'gstlal'] },
      { ok: ['gracedb', ''] },
      { ok: ['', ''] },
    ])
    for (const [i, p] of makeRejected) expect(() => makeTopicName(i, p)).toThrow(TopicNameError)
    for (const t of parseRejected) expect(() => parseTopicName(t)).toThrow(TopicNameError)
  })
})
