// Interoperability with the Python reference (ligo-gracedb 2.16.1, confluent-kafka) as a live peer, as in
// python-peer.int.test.ts: ping payloads, createEvent's upload message through the stand-in's supervisor, and
// the topic-name utilities, each compared with what the reference does for the same inputs.
import { GraceDbKafkaProducer } from '@gracedb-kafka/producer'
import { GraceDb } from '@gracedb-kafka/rest'
import { deriveInstanceName, makeTopicName, parseTopicName, TopicNameError } from '@gracedb-kafka/topics'
import { describe, expect, it } from 'vitest'
import { connection, gracedb, kafka, pyEnv, unique, usePythonPeer } from './peer-fixture.js'
import { readRaw, runPython } from './python-peer.js'

usePythonPeer()

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
