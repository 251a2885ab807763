import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Admin } from 'kafkajs'
import kafkajs from 'kafkajs'
import { type AclRule, createAcls } from './acl.js'
import { brokerProperties, type NodePorts } from './broker-config.js'
import { KAFKA_VERSION, resolveKafkaClasspath, writeLog4jConfig } from './classpath.js'
import { ensureTopics } from './ensure-topics.js'
import { createTokenIssuer, type TokenIssuer } from './issuer.js'
import {
  forgetCleanupDir,
  type JvmProcess,
  registerCleanupDir,
  residentBytes,
  spawnJvm,
  tail,
} from './jvm-process.js'
import { freePorts } from './ports.js'
import { createTestCertificates } from './tls.js'

/** Options for {@link startKafka}. */
export interface StartKafkaOptions {
  /** `connections.max.reauth.ms`: clients must re-authenticate this often (ms). Default: no forced re-auth. */
  reauthMs?: number
  /** 1 (default) or 3 combined broker+controller nodes. */
  brokers?: 1 | 3
  /** Enable the StandardAuthorizer with these allow rules (an empty list denies every token subject). */
  acls?: AclRule[]
  /** `num.partitions` for auto-created and default-created topics; default 1. */
  partitions?: number
  /** Issue the server certificate for this name only (instead of `localhost` + `127.0.0.1`). */
  certHostname?: string
  /** `auto.create.topics.enable`; default true. */
  autoCreateTopics?: boolean
  /** Give up if the cluster is not ready after this many ms; default 60 000 (90 000 for 3 brokers). */
  startTimeoutMs?: number
  /** Extra broker settings (`server.properties` keys), applied last. */
  brokerConfig?: Record<string, string | number | boolean>
  /** Extra JVM options, appended after the defaults (`-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1`). */
  jvmOptions?: string[]
  /** Where progress lines go; default `console.log`. Pass `() => {}` to silence. */
  log?: (line: string) => void
}

/** Options for {@link KafkaTestCluster.createTopic}. */
export interface CreateTopicOptions {
  /** Partition count; default the broker's `num.partitions`. */
  partitions?: number
}

/** A running test cluster; see {@link startKafka}. */
export interface KafkaTestCluster {
  /** SASL_SSL `localhost:port[,localhost:port]`: what GraceDbKafkaProducer/Consumer dial. */
  readonly bootstrapServers: string
  /** PLAINTEXT `localhost:port[,...]`, for setup and checks (kafkajs with no auth; super user). */
  readonly plaintextBootstrapServers: string
  /** PEM file of the throwaway CA that signed the broker certificate. */
  readonly caCertPath: string
  /** The token issuer the broker trusts. */
  readonly issuer: TokenIssuer
  /** The Apache Kafka version running, e.g. `4.1.2`. */
  readonly version: string
  /** Milliseconds to format, launch and get every broker ready (not counting a first-run Maven download). */
  readonly startupMs: number
  /** Create a topic over PLAINTEXT and wait until every partition has a leader. Existing topics are fine. */
  createTopic(name: string, opts?: CreateTopicOptions): Promise<void>
  /** Add ACL rules (only when started with `acls`) and wait until the broker has them. */
  addAcls(rules: AclRule[]): Promise<void>
  /** Stop broker `index` (default 0), keeping its data directory and ports. */
  stopBroker(index?: number): Promise<void>
  /** Start broker `index` (default 0) again on the same ports; resolves when it is ready. */
  startBroker(index?: number): Promise<void>
  /** The JVM pid of broker `index` (default 0), or undefined when it is not running. */
  pid(index?: number): number | undefined
  /** Resident memory of broker `index` (default 0) in bytes, or undefined when it is not running. */
  rssBytes(index?: number): number | undefined
  /** The broker log of node `index` (default 0) so far. */
  readLog(index?: number): string
  /** The path of node `index`'s (default 0) broker log file (removed by {@link KafkaTestCluster.stop}). */
  logPath(index?: number): string
  /** Stop every broker and remove all temporary files. Idempotent. */
  stop(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

interface Node {
  nodeId: number
  ports: NodePorts
  propertiesPath: string
  logPath: string
  jvm?: JvmProcess | undefined
}

const DEFAULT_JVM = [
  '-Xms64m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
]

function javaBin(): string {
  return process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : 'java'
}

function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

function format(classpath: string, jvm: string[], props: string, id: string, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      javaBin(),
      [
        ...jvm,
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        id,
        '-c',
        props,
        '--ignore-formatted',
      ],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        void writeFile(logFile, `${stdout}${stderr}`, { flag: 'a' }).catch(() => {})
        if (err)
          reject(
            new Error(`testkit: formatting the KRaft storage failed: ${err.message}\n${stderr.slice(-4000)}`),
          )
        else resolve()
      },
    )
  })
}

function plaintextAdmin(brokers: string[]): Admin {
  return new kafkajs.Kafka({
    clientId: 'gracedb-kafka-testkit',
    brokers,
    logLevel: kafkajs.logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 10_000,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
  }).admin()
}

/** Resolves when the node's PLAINTEXT admin lists topics and sees the node in the cluster; rejects if the JVM exits. */
async function waitReady(node: Node, nodeCount: number, deadline: number): Promise<void> {
  const jvm = node.jvm!
  let exited = false
  void jvm.exited.then(() => {
    exited = true
  })
  let lastError = ''
  while (!exited) {
    if (Date.now() > deadline) {
      throw new Error(
        `testkit: Kafka node ${node.nodeId} not ready in time (${lastError}). Broker log tail:\n${tail(node.logPath)}`,
      )
    }
    const admin = plaintextAdmin([`localhost:${node.ports.plaintext}`])
    try {
      await admin.connect()
      await admin.listTopics()
      const cluster = await admin.describeCluster()
      if (cluster.brokers.some((b) => b.nodeId === node.nodeId) && cluster.brokers.length >= nodeCount) return
      lastError = `cluster sees ${cluster.brokers.length}/${nodeCount} brokers`
    } catch (err) {
      lastError = (err as Error).message
    } finally {
      await admin.disconnect().catch(() => {})
    }
    await sleep(250)
  }
  throw new Error(
    `testkit: Kafka node ${node.nodeId} exited during start (status ${await jvm.exited}). Broker log tail:\n${tail(node.logPath)}`,
  )
}

/**
 * Start a real Apache Kafka (KRaft) cluster for tests: broker jars resolved by Maven (cached), a throwaway TLS
 * CA, a token issuer whose JWKS the broker trusts, and listeners PLAINTEXT (setup) + SASL_SSL/OAUTHBEARER
 * (what clients dial) on free ports. The JVMs die with this process, even on SIGKILL. A failed start throws
 * with the tail of the broker log.
 *
 * @example
 * ```ts
 * import { startKafka } from '@gracedb-kafka/testkit'
 * await using kafka = await startKafka({ partitions: 3 })
 * const token = await kafka.issuer.mint({ sub: 'alice' })
 * const client = new Kafka({
 *   brokers: kafka.bootstrapServers.split(','),
 *   ssl: { ca: [readFileSync(kafka.caCertPath, 'utf8')] },
 *   sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: token }) },
 * })
 * ```
 */
export async function startKafka(opts: StartKafkaOptions = {}): Promise<KafkaTestCluster> {
  // Free ports are released before the JVM binds them; if another process took one meanwhile, start over.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts)
    } catch (err) {
      if (attempt >= 3 || !/Address already in use|BindException/.test((err as Error).message)) throw err
      ;(opts.log ?? console.log)(
        `testkit: a broker port was taken before Kafka bound it; retrying (${attempt}/2)`,
      )
    }
  }
}

async function startOnce(opts: StartKafkaOptions): Promise<KafkaTestCluster> {
  const log = opts.log ?? ((line: string) => console.log(line))
  const count = opts.brokers ?? 1
  if (count !== 1 && count !== 3) throw new Error(`testkit: brokers must be 1 or 3, got ${String(count)}`)
  const partitions = opts.partitions ?? 1

  const jars = await resolveKafkaClasspath(log)
  const classpath = jars.join(':')
  const launched = Date.now() // broker start time excludes a first-run Maven download
  const deadline = launched + (opts.startTimeoutMs ?? (count === 3 ? 90_000 : 60_000))
  const root = await mkdtemp(join(tmpdir(), 'gracedb-kafka-testkit-'))
  registerCleanupDir(root)
  const nodes: Node[] = []
  let stopped = false
  let stopping: Promise<void> | undefined

  const stopAll = (): Promise<void> => {
    stopped = true
    stopping ??= (async () => {
      await Promise.all(nodes.map((n) => n.jvm?.stop(3_000)))
      // Synchronous, so a test runner tearing the process down cannot interrupt it half-way.
      try {
        rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
        forgetCleanupDir(root)
      } catch (err) {
        log(`testkit: could not remove ${root}: ${(err as Error).message}`)
      }
    })()
    return stopping
  }

  try {
    const certs = await createTestCertificates(
      root,
      opts.certHostname !== undefined ? [opts.certHostname] : ['localhost', '127.0.0.1'],
    )
    const issuer = await createTokenIssuer()
    const jwksPath = join(root, 'jwks.json')
    await writeFile(jwksPath, JSON.stringify(issuer.jwks))
    const log4jPath = join(root, 'log4j2.properties')
    await writeLog4jConfig(log4jPath)

    const ports = await freePorts(3 * count)
    for (let i = 0; i < count; i++) {
      nodes.push({
        nodeId: i + 1,
        ports: { plaintext: ports[3 * i]!, saslSsl: ports[3 * i + 1]!, controller: ports[3 * i + 2]! },
        propertiesPath: join(root, `node-${i + 1}`, 'server.properties'),
        logPath: join(root, `node-${i + 1}`, 'broker.log'),
      })
    }
    const voters = nodes.map((n) => ({ nodeId: n.nodeId, controller: n.ports.controller }))
    const jvmOptions = [
      ...DEFAULT_JVM,
      `-Dlog4j2.configurationFile=${log4jPath}`,
      `-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=file://${jwksPath}`,
      ...(opts.jvmOptions ?? []),
    ]
    const id = clusterId()
    await Promise.all(
      nodes.map(async (n) => {
        const dir = join(root, `node-${n.nodeId}`)
        await mkdir(join(dir, 'logs'), { recursive: true })
        await writeFile(
          n.propertiesPath,
          brokerProperties({
            nodeId: n.nodeId,
            ports: n.ports,
            voters,
            dataDir: join(dir, 'data'),
            jwksPath,
            keystorePath: certs.serverKeystorePath,
            issuer: issuer.issuer,
            audience: issuer.audience,
            partitions,
            autoCreateTopics: opts.autoCreateTopics ?? true,
            reauthMs: opts.reauthMs,
            acls: opts.acls !== undefined,
            extra: opts.brokerConfig,
          }),
        )
        await format(classpath, jvmOptions, n.propertiesPath, id, n.logPath)
      }),
    )

    const launch = async (n: Node): Promise<void> => {
      n.jvm = await spawnJvm(
        [
          ...jvmOptions,
          `-Dkafka.logs.dir=${join(root, `node-${n.nodeId}`, 'logs')}`,
          '-cp',
          classpath,
          'kafka.Kafka',
          n.propertiesPath,
        ],
        n.logPath,
        { cleanupDir: root },
      )
    }
    await Promise.all(nodes.map(launch))
    await Promise.all(nodes.map((n) => waitReady(n, count, deadline)))

    const plaintext = nodes.map((n) => `localhost:${n.ports.plaintext}`)
    const withAdmin = async <T>(fn: (admin: Admin) => Promise<T>): Promise<T> => {
      const running = nodes.filter((n) => n.jvm?.running()).map((n) => `localhost:${n.ports.plaintext}`)
      const admin = plaintextAdmin(running.length > 0 ? running : plaintext)
      await admin.connect()
      try {
        return await fn(admin)
      } finally {
        await admin.disconnect().catch(() => {})
      }
    }
    if (opts.acls !== undefined && opts.acls.length > 0)
      await withAdmin((admin) => createAcls(admin, opts.acls!))

    const nodeAt = (index = 0): Node => {
      const n = nodes[index]
      if (!n) throw new Error(`testkit: no broker ${index} (cluster has ${nodes.length})`)
      return n
    }

    const startupMs = Date.now() - launched
    const cluster: KafkaTestCluster = {
      bootstrapServers: nodes.map((n) => `localhost:${n.ports.saslSsl}`).join(','),
      plaintextBootstrapServers: plaintext.join(','),
      caCertPath: certs.caCertPath,
      issuer,
      version: KAFKA_VERSION,
      startupMs,
      async createTopic(name: string, topicOpts: CreateTopicOptions = {}): Promise<void> {
        await withAdmin((admin) =>
          ensureTopics(admin, [
            {
              topic: name,
              numPartitions: topicOpts.partitions ?? partitions,
              replicationFactor: Math.min(3, nodes.length),
            },
          ]),
        )
      },
      async addAcls(rules: AclRule[]): Promise<void> {
        if (opts.acls === undefined) throw new Error('testkit: start the cluster with `acls` to use ACLs')
        await withAdmin((admin) => createAcls(admin, rules))
      },
      async stopBroker(index = 0): Promise<void> {
        const n = nodeAt(index)
        await n.jvm?.stop(15_000)
      },
      async startBroker(index = 0): Promise<void> {
        const n = nodeAt(index)
        if (n.jvm?.running()) return
        if (stopped) throw new Error('testkit: cluster already stopped')
        await launch(n)
        await waitReady(n, 1, Date.now() + (opts.startTimeoutMs ?? 60_000))
      },
      pid(index = 0): number | undefined {
        const jvm = nodeAt(index).jvm
        return jvm?.running() ? jvm.pid : undefined
      },
      rssBytes(index = 0): number | undefined {
        const jvm = nodeAt(index).jvm
        return jvm?.running() ? residentBytes(jvm.pid) : undefined
      },
      logPath(index = 0): string {
        return nodeAt(index).logPath
      },
      readLog(index = 0): string {
        try {
          return readFileSync(nodeAt(index).logPath, 'utf8')
        } catch {
          return ''
        }
      },
      stop(): Promise<void> {
        return stopAll()
      },
      [Symbol.asyncDispose](): Promise<void> {
        return cluster.stop()
      },
    }
    return cluster
  } catch (err) {
    await stopAll().catch(() => {})
    throw err
  }
}
