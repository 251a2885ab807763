import { readFileSync, rmSync } from 'node:fs'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AclRule, createAcls } from './acl.js'
import { groupCoordinator, partitionLeader, withAdmin } from './admin.js'
import { brokerProperties } from './broker-config.js'
import { KAFKA_VERSION, resolveKafkaClasspath, writeLog4jConfig } from './classpath.js'
import type { CreateTopicOptions, KafkaTestCluster, StartKafkaOptions } from './cluster-types.js'
import { ensureTopics } from './ensure-topics.js'
import { createTokenIssuer } from './issuer.js'
import { forgetCleanupDir, registerCleanupDir, residentBytes, spawnJvm } from './jvm-process.js'
import { clusterId, DEFAULT_JVM, formatStorage, type Node, waitReady } from './kraft-node.js'
import { freePorts } from './ports.js'
import { createTestCertificates } from './tls.js'

export type { CreateTopicOptions, KafkaTestCluster, StartKafkaOptions } from './cluster-types.js'

/**
 * Start a real Apache Kafka (KRaft) cluster for tests: broker jars resolved by Maven (cached), a throwaway TLS
 * CA, a token issuer whose JWKS the broker trusts, and listeners PLAINTEXT (setup) + SASL_SSL/OAUTHBEARER
 * (what clients dial) on free ports. As on GraceDB's brokers, topics are not auto-created (create them with
 * `createTopic`, or set `autoCreateTopics`). The JVMs die with this process, even on SIGKILL. A failed start
 * throws with the tail of the broker log.
 *
 * @example
 * ```ts
 * import { startKafka } from '@gracedb-kafka/testkit'
 * await using kafka = await startKafka({ partitions: 3 })
 * await kafka.createTopic('alerts')
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
    await writeLog4jConfig(log4jPath, opts.logLevels)

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
            autoCreateTopics: opts.autoCreateTopics ?? false,
            reauthMs: opts.reauthMs,
            acls: opts.acls !== undefined,
            extra: opts.brokerConfig,
          }),
        )
        await formatStorage(classpath, jvmOptions, n.propertiesPath, id, n.logPath)
      }),
    )

    const launch = async (n: Node): Promise<void> => {
      const logsDir = `-Dkafka.logs.dir=${join(root, `node-${n.nodeId}`, 'logs')}`
      const args = [...jvmOptions, logsDir, '-cp', classpath, 'kafka.Kafka', n.propertiesPath]
      n.jvm = await spawnJvm(args, n.logPath, { cleanupDir: root })
    }
    await Promise.all(nodes.map(launch))
    await Promise.all(nodes.map((n) => waitReady(n, count, deadline)))

    const plaintext = nodes.map((n) => `localhost:${n.ports.plaintext}`)
    const running = (): string[] => {
      const up = nodes.filter((n) => n.jvm?.running()).map((n) => `localhost:${n.ports.plaintext}`)
      return up.length > 0 ? up : plaintext
    }
    if (opts.acls !== undefined && opts.acls.length > 0)
      await withAdmin(running(), (admin) => createAcls(admin, opts.acls!))

    const nodeAt = (index = 0): Node => {
      const n = nodes[index]
      if (!n) throw new Error(`testkit: no broker ${index} (cluster has ${nodes.length})`)
      return n
    }
    const indexOf = (nodeId: number): number => nodes.findIndex((n) => n.nodeId === nodeId)
    const restart = async (index = 0): Promise<void> => {
      const n = nodeAt(index)
      if (n.jvm?.running()) return
      if (stopped) throw new Error('testkit: cluster already stopped')
      await launch(n)
      await waitReady(n, 1, Date.now() + (opts.startTimeoutMs ?? 60_000))
    }

    const startupMs = Date.now() - launched
    const cluster: KafkaTestCluster = {
      bootstrapServers: nodes.map((n) => `localhost:${n.ports.saslSsl}`).join(','),
      plaintextBootstrapServers: plaintext.join(','),
      caCertPath: certs.caCertPath,
      issuer,
      version: KAFKA_VERSION,
      startupMs,
      size: count,
      async createTopic(name: string, topicOpts: CreateTopicOptions = {}): Promise<void> {
        const configEntries = Object.entries(topicOpts.config ?? {}).map(([k, v]) => ({ name: k, value: v }))
        await withAdmin(running(), (admin) =>
          ensureTopics(admin, [
            {
              topic: name,
              numPartitions: topicOpts.partitions ?? partitions,
              replicationFactor: Math.min(3, nodes.length),
              ...(configEntries.length > 0 ? { configEntries } : {}),
            },
          ]),
        )
      },
      async addAcls(rules: AclRule[]): Promise<void> {
        if (opts.acls === undefined) throw new Error('testkit: start the cluster with `acls` to use ACLs')
        await withAdmin(running(), (admin) => createAcls(admin, rules))
      },
      async stopBroker(index = 0): Promise<void> {
        await nodeAt(index).jvm?.stop(15_000)
      },
      startBroker: restart,
      async kill(index = 0, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
        await nodeAt(index).jvm?.kill(signal)
      },
      restart,
      async leaderOf(topic: string, partition: number): Promise<number | undefined> {
        const leader = await withAdmin(running(), (admin) => partitionLeader(admin, topic, partition))
        return leader === undefined ? undefined : indexOf(leader)
      },
      async coordinatorOf(groupId: string): Promise<number> {
        return indexOf(await groupCoordinator(running(), groupId))
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
      stop: stopAll,
      [Symbol.asyncDispose]: stopAll,
    }
    return cluster
  } catch (err) {
    await stopAll().catch(() => {})
    throw err
  }
}
