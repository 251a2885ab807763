// The one broker every contender of `npm run bench:peers` runs against: a testkit broker (Kafka 4.1.2, KRaft,
// SASL_SSL + OAUTHBEARER validating signed tokens, TLS), a token file found by WLCG discovery on both the Node
// and the Python side, a GraceDB stand-in (only for the createEvent contenders), and an admin client over the
// plaintext listener to create and delete the bench's topics.
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type GraceDbStandIn,
  type KafkaTestCluster,
  startGraceDbStandIn,
  startKafka,
} from '@gracedb-kafka/testkit'
import { Kafka, logLevel } from 'kafkajs'

/** The instance name of every bench topic: topics are `peers.<name>`. */
export const INSTANCE = 'peers'

export interface PeersEnv {
  kafka: KafkaTestCluster
  gracedb: GraceDbStandIn | undefined
  /** Scratch directory (token, caches, payload files); removed by `stop()`. */
  dir: string
  token: string
  tokenFile: string
  /** {@link PADS} as a JSON file, for the Python contenders. */
  padsFile: string
  /** A raw kafkajs client over SASL_SSL with the token (the raw kafkajs contenders). */
  saslKafka(clientId: string): Kafka
  /** Create `peers.<name>` with `partitions` partitions. Returns the full topic name. */
  topic(name: string, partitions: number): Promise<string>
  /** Delete bench topics (keeps the broker's disk use bounded across rounds). */
  drop(...topics: string[]): Promise<void>
  stop(): Promise<void>
}

/**
 * The broker JVM options of Kafka's own start scripts (kafka-server-start.sh: `-Xmx1G -Xms1G`; kafka-run-class.sh:
 * G1 with its pause target, and the JVM's default tiered JIT). The testkit's defaults are for quick test starts
 * (C1 JIT only, serial GC, a small heap): there the broker spends about three times the CPU per message (3 s per
 * 100k messages against 1 s once compiled by C2), which on this 2-core machine starves every client.
 */
export const KAFKA_START_JVM: readonly string[] = [
  '-Xms1g',
  '-Xmx1g',
  '-XX:-UseSerialGC',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:TieredStopAtLevel=4',
]

export async function setupPeers(opts: {
  standIn: boolean
  jvmOptions?: readonly string[]
}): Promise<PeersEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'gk-bench-peers-'))
  await mkdir(join(dir, 'cache'))
  const kafka = await startKafka({
    log: () => {},
    ...(opts.jvmOptions ? { jvmOptions: [...opts.jvmOptions] } : {}),
  })
  let gracedb: GraceDbStandIn | undefined
  try {
    gracedb = opts.standIn ? await startGraceDbStandIn({ kafka }) : undefined
    const aud = gracedb ? [kafka.issuer.audience, gracedb.audience] : kafka.issuer.audience
    const token = await kafka.issuer.mint({ sub: 'bench', aud }, { lifetime: 6 * 3600 })
    const tokenFile = await kafka.issuer.writeTokenFile(token, join(dir, 'token'))
    for (const name of ['SCITOKEN', 'SCITOKEN_FILE', 'BEARER_TOKEN', '_CONDOR_CREDS'])
      delete process.env[name]
    process.env.BEARER_TOKEN_FILE = tokenFile
    const ca = readFileSync(kafka.caCertPath, 'utf8')
    const admin = new Kafka({
      clientId: 'bench-peers-admin',
      brokers: kafka.plaintextBootstrapServers.split(','),
      logLevel: logLevel.NOTHING,
    }).admin()
    await admin.connect()
    const padsFile = await writePads(dir)
    return {
      padsFile,
      kafka,
      gracedb,
      dir,
      token,
      tokenFile,
      saslKafka: (clientId) =>
        new Kafka({
          clientId,
          brokers: kafka.bootstrapServers.split(','),
          ssl: { ca: [ca] },
          sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: token }) },
          logLevel: logLevel.NOTHING,
        }),
      topic: async (name, partitions) => {
        const full = `${INSTANCE}.${name}`
        await kafka.createTopic(full, { partitions })
        return full
      },
      drop: async (...topics) => {
        if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => {})
      },
      stop: async () => {
        await admin.disconnect().catch(() => {})
        await gracedb?.stop()
        await kafka.stop()
        await rm(dir, { recursive: true, force: true })
      },
    }
  } catch (err) {
    await gracedb?.stop().catch(() => {})
    await kafka.stop()
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

const PAD_BYTES = 1024 - JSON.stringify({ seq: 0, graceid: 'G000000', pad: '' }).length - 6

/**
 * How many distinct paddings: more than any batch holds (about 1,000 messages of 1 KiB in a 1 MB batch), so no
 * batch ever holds one padding twice. With 1,000 (the first runs), a batch spanning more than 1,000 messages
 * held repeats and compressed far better: the figures then depended on how a client happened to batch (a
 * librdkafka batch of 500 keyless messages over 3 partitions spans about 1,500 of them) rather than on the
 * client's speed, which real events, with no such period, never reward. A prime, so no stride of partitioning
 * lines up with it.
 */
const PAD_COUNT = 10_007

/**
 * {@link PAD_COUNT} paddings of random hex digits (a fixed seed, so every run sends the same bytes) that make
 * {@link benchEvent} 1 KiB as JSON (Python's `json.dumps` spacing included). Random hex compresses about 2×,
 * so zstd helps as it does on real data, not 100× as on a run of one repeated character. The Python and Java
 * contenders get the same paddings through a file ({@link writePads}).
 */
export const PADS: readonly string[] = (() => {
  let state = 0x9e3779b9
  const next = (): number => {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
  return Array.from({ length: PAD_COUNT }, () =>
    Array.from({ length: PAD_BYTES }, () => '0123456789abcdef'[Math.floor(next() * 16)]).join(''),
  )
})()

/** The padding of message `i` (any integer). */
export const padOf = (i: number): string => PADS[Math.abs(i) % PADS.length] as string

/** The bench's message: `{"seq": n, "graceid": "G00000n", "pad": "<hex>"}`, 1 KiB as JSON. */
export function benchEvent(seq: number): { seq: number; graceid: string; pad: string } {
  return { seq, graceid: `G${String(seq).padStart(6, '0')}`, pad: padOf(seq) }
}

/** Write {@link PADS} as a JSON array for the Python side; returns the path. */
export async function writePads(dir: string): Promise<string> {
  const path = join(dir, 'pads.json')
  await writeFile(path, JSON.stringify(PADS))
  return path
}
