import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { GraceDbKafkaProducer } from './producer.js'
import { freeze, threadStates } from './testing/freeze.js'
import { readBack } from './testing/read-back.js'
import { figures, steadyStream } from './testing/steady-stream.js'

// The broker loses the idempotent producer's state: it expires producer ids idle for 5 s (what it does after
// producer.id.expiration.ms, a day by default), so the next batches carry sequence numbers it no longer knows
// (older brokers answer OUT_OF_ORDER_SEQUENCE_NUMBER or UNKNOWN_PRODUCER_ID; then the producer gets a new
// producer id and sends again what was not acknowledged): 0 failed, nothing acknowledged lost, none twice.
let kafka: KafkaTestCluster
let dir: string
const savedEnv = { ...process.env }

/** The JVM's thread states now, counted by letter (e.g. "T:71"), for failure messages. */
const states = (pid: number): string => {
  try {
    const counts = new Map<string, number>()
    for (const s of threadStates(pid).values()) counts.set(s, (counts.get(s) ?? 0) + 1)
    return [...counts].map(([s, n]) => `${s}:${n}`).join(' ')
  } catch {
    return 'gone'
  }
}

beforeAll(async () => {
  kafka = await startKafka({
    autoCreateTopics: false,
    brokerConfig: { 'producer.id.expiration.ms': 5_000, 'producer.id.expiration.check.interval.ms': 1_000 },
  })
  dir = mkdtempSync(join(tmpdir(), 'producer-state-'))
  process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(
    await kafka.issuer.mint(),
    join(dir, 'token'),
  )
}, 120_000)

afterAll(async () => {
  process.env = savedEnv
  await kafka?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

it('across producer-id expiry on the broker (idle longer than producer.id.expiration.ms): nothing lost, failed or duplicated', async () => {
  const topic = 'gracedb-state.cbc'
  await kafka.createTopic(topic, { partitions: 3 })
  await using producer = new GraceDbKafkaProducer({
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
    instanceName: 'gracedb-state',
    topic: 'cbc',
  })
  const first = steadyStream(producer, { perSecond: 200, keys: 9 })
  await sleep(3_000)
  await first.stop()
  expect(await producer.flush(30)).toBe(0)
  await sleep(9_000) // idle: the broker expires the producer id
  const second = steadyStream(producer, { perSecond: 200, keys: 9, from: first.outcomes.length })
  await sleep(3_000)
  await second.stop()
  expect(await producer.flush(60)).toBe(0)

  const outcomes = [...first.outcomes, ...second.outcomes]
  const read = await readBack(kafka.plaintextBootstrapServers, topic, outcomes.length, { settleMs: 2_000 })
  const f = figures(outcomes, read)
  const idsOf = (seqs: Set<number>) =>
    new Set(read.filter((m) => seqs.has(JSON.parse(m.value!.toString()).seq)).map((m) => m.batch.producerId))
  const ids1 = idsOf(new Set(first.outcomes.map((o) => o.seq)))
  const ids2 = idsOf(new Set(second.outcomes.map((o) => o.seq)))
  const expiryLines = kafka
    .readLog()
    .split('\n')
    .filter((l) => /expir/i.test(l) && /producer/i.test(l))
  console.info(
    `producer state loss: ${JSON.stringify(f)}; producer ids ${[...ids1]} then ${[...ids2]}; ` +
      `broker log lines about producer expiry: ${expiryLines.length}${expiryLines[0] ? ` (${expiryLines[0].slice(0, 200)})` : ''}`,
  )
  expect(outcomes.filter((o) => o.error).map((o) => String(o.error))).toEqual([])
  expect(f).toMatchObject({ failed: 0, acked: f.produced, lost: 0, outOfOrderPartitions: 0 })
  // Kafka 4.1 accepts an expired (unknown) producer id's next sequence numbers (the broker side of KIP-360), so
  // the producer may go on with the same id; an older broker answers OUT_OF_ORDER_SEQUENCE_NUMBER or
  // UNKNOWN_PRODUCER_ID, and the producer then starts over with a new id. Either way: nothing lost or failed.
  expect(f.duplicated).toBe(0)
}, 180_000)

// The broker is frozen (SIGSTOP): it accepts the request's bytes but never answers. With a 3 s delivery timeout the
// messages of that request are given up while it is in flight: they may or may not be written. Then either the
// broker is killed and restarted (the request is never answered: the producer cannot know, so it must not reuse
// those sequence numbers and starts over with a new producer id), or it runs again (it writes the request from
// its socket and answers late: the outcome is known after all). Either way the later messages are stored once
// each, in order, at the offsets reported to the caller.
it.each([
  { how: 'killed and restarted (never answered)', resume: 'restart' },
  { how: 'resumed (answered late)', resume: 'continue' },
] as const)(
  'messages given up while in flight, broker $how: later messages neither lost nor duplicated',
  async ({ resume }) => {
    const topic = `gracedb-state.renew-${resume}`
    await kafka.createTopic(topic, { partitions: 1 })
    await using producer = new GraceDbKafkaProducer({
      bootstrapServers: kafka.bootstrapServers,
      caCertPath: kafka.caCertPath,
      instanceName: 'gracedb-state',
      topic: `renew-${resume}`,
      kafkaConfig: { 'delivery.timeout.ms': 3_000 },
    })
    const before = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.produce({ phase: 1, i })))
    const pid = kafka.pid(0)!
    // Waits until the kernel shows every JVM thread stopped: phase 2 starts only against a frozen broker.
    await freeze(pid)
    let outcomes: PromiseSettledResult<{ offset: number; threads: string }>[]
    try {
      // A delivery while frozen must not happen; if it does, the broker's thread states at that moment tell a
      // broker that was not frozen after all from a producer reporting a delivery it never got.
      const during = Array.from({ length: 20 }, (_, i) =>
        producer.produce({ phase: 2, i }).then((r) => ({ offset: r.offset, threads: states(pid) })),
      )
      outcomes = await Promise.allSettled(during)
      if (resume === 'restart') await kafka.kill(0, 'SIGKILL') // a stopped JVM dies at SIGKILL too
    } finally {
      if (kafka.pid(0) === pid) process.kill(pid, 'SIGCONT') // never leave a frozen broker behind
    }
    if (resume === 'restart') await kafka.restart(0)
    // Timed out unanswered (no failed attempt before: the request was sent and the broker never answered).
    const reasons = outcomes.map((o) =>
      o.status === 'rejected'
        ? String(o.reason)
        : `delivered at offset ${o.value.offset}, broker threads ${o.value.threads}`,
    )
    expect(reasons.filter((r) => !/not acknowledged within 3s/.test(r) || /last error/.test(r))).toEqual([])
    // Reconnecting (TLS, SASL, maybe a new producer id) can take longer than the 3 s delivery timeout on a loaded
    // machine: wait until one message gets through before the phase whose offsets are checked.
    await expect
      .poll(
        () =>
          producer.produce({ phase: 0 }).then(
            () => true,
            () => false,
          ),
        { timeout: 90_000, interval: 0 },
      )
      .toBe(true)
    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.produce({ phase: 3, i })))
    expect(await producer.flush(30)).toBe(0)

    const read = await readBack(kafka.plaintextBootstrapServers, topic, 41, { settleMs: 2_000 })
    const byPhase = (phase: number) => read.filter((m) => JSON.parse(m.value!.toString()).phase === phase)
    const ids = (phase: number) => new Set(byPhase(phase).map((m) => m.batch.producerId))
    const iOf = (m: (typeof read)[number]) => JSON.parse(m.value!.toString()).i as number
    const all = Array.from({ length: 20 }, (_, i) => i)
    console.info(
      `broker ${resume}: phase 1 ids ${[...ids(1)]}, phase 2 ids ${[...ids(2)]}, phase 3 ids ${[...ids(3)]}; ` +
        `given-up phase-2 messages stored: ${byPhase(2).length}`,
    )
    expect(byPhase(1).map((m) => m.offset)).toEqual(before.map((r) => r.offset))
    expect(byPhase(3).map((m) => m.offset)).toEqual(after.map((r) => r.offset))
    expect(byPhase(3).map(iOf)).toEqual(all) // once each, in order
    if (resume === 'continue') {
      expect(byPhase(2).map(iOf)).toEqual(all) // the request was in flight: written after it was given up
    } else {
      expect(byPhase(2)).toEqual([]) // the broker died before reading it
      // In doubt until the end: its sequence numbers are never reused, the producer starts over with a new id.
      expect([...ids(3)].some((id) => ids(1).has(id))).toBe(false)
    }
  },
  180_000,
)
