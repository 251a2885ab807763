// Kafka's own ProducerPerformance / ConsumerPerformance (org.apache.kafka:kafka-tools, the broker's version)
// as contenders on the same SASL_SSL listener. The jars are resolved by Maven from bench/peers/java/pom.xml
// into the testkit's Maven repository (shared downloads) and the classpath is cached in .cache/bench-peers/.
// Authentication: Kafka 4.1 clients read the token from a file (OAuthBearerLoginCallbackHandler with a
// file:// token endpoint, allowed through org.apache.kafka.sasl.oauthbearer.allowed.urls); TLS trusts the
// testkit CA as a PEM truststore.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cacheDir, KAFKA_VERSION } from '@gracedb-kafka/testkit'
import { runTracked } from './children.js'
import type { PeersEnv } from './setup.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const POM_DIR = fileURLToPath(new URL('./java/', import.meta.url))

/** Resolve kafka-tools with Maven once; later runs read the cached classpath. */
export async function resolveToolsClasspath(): Promise<string> {
  const hash = createHash('sha256')
    .update(readFileSync(join(POM_DIR, 'pom.xml')))
    .digest('hex')
    .slice(0, 16)
  const dir = join(ROOT, '.cache', 'bench-peers')
  const file = join(dir, `tools-classpath-${KAFKA_VERSION}-${hash}.txt`)
  const cached = existsSync(file) ? readFileSync(file, 'utf8').trim() : ''
  if (cached !== '' && cached.split(':').every((jar) => existsSync(jar))) return cached
  await mkdir(dir, { recursive: true })
  console.log(`bench:peers: resolving org.apache.kafka:kafka-tools:${KAFKA_VERSION} with Maven`)
  const tmp = `${file}.${process.pid}.tmp`
  await new Promise<void>((resolve, reject) => {
    execFile(
      'mvn',
      [
        '-B',
        '-q',
        `-Dmaven.repo.local=${join(cacheDir(), 'm2')}`,
        `-Dkafka.version=${KAFKA_VERSION}`,
        'dependency:build-classpath',
        `-Dmdep.outputFile=${tmp}`,
        '-Dmdep.includeScope=runtime',
      ],
      { cwd: POM_DIR, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(`mvn failed: ${err.message}\n${`${stdout}\n${stderr}`.slice(-3000)}`))
          : resolve(),
    )
  })
  await rename(tmp, file)
  return readFileSync(file, 'utf8').trim()
}

export interface JavaTools {
  /** ProducerPerformance: `count` records from the JSON payload file, acks=all, idempotent. msgs/s. */
  produce(topic: string, count: number, props?: string[]): Promise<number>
  /** ConsumerPerformance over `count` records with a fresh group: fetch.nMsg.sec (group join excluded). */
  consume(topic: string, count: number, group: string): Promise<number>
}

/** Write the client config, log4j config and payload file into the bench's scratch directory. */
export async function javaTools(env: PeersEnv, classpath: string, payloads: string[]): Promise<JavaTools> {
  const dir = join(env.dir, 'java')
  await mkdir(dir, { recursive: true })
  const tokenUrl = `file://${env.tokenFile}`
  const clientConfig = join(dir, 'client.properties')
  await writeFile(
    clientConfig,
    [
      'security.protocol=SASL_SSL',
      'sasl.mechanism=OAUTHBEARER',
      'sasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
      `sasl.oauthbearer.token.endpoint.url=${tokenUrl}`,
      'sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ;',
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${env.kafka.caCertPath}`,
      '',
    ].join('\n'),
  )
  const log4j = join(dir, 'log4j2.properties')
  await writeFile(
    log4j,
    [
      'status = warn',
      'appender.err.type = Console',
      'appender.err.name = STDERR',
      'appender.err.target = SYSTEM_ERR',
      'appender.err.layout.type = PatternLayout',
      'appender.err.layout.pattern = %p %m (%c)%n',
      'rootLogger.level = WARN',
      'rootLogger.appenderRef.err.ref = STDERR',
      '',
    ].join('\n'),
  )
  const payloadFile = join(dir, 'payloads.txt')
  await writeFile(payloadFile, `${payloads.join('\n')}\n`)
  const jvm = [
    '-Xmx768m',
    `-Dlog4j2.configurationFile=${log4j}`,
    `-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=${tokenUrl}`,
    '-cp',
    classpath,
  ]
  const run = (main: string, args: string[]) => runJava([...jvm, main, ...args], 300_000)
  const bootstrap = env.kafka.bootstrapServers
  return {
    produce: async (topic, count, props = []) => {
      const out = await run('org.apache.kafka.tools.ProducerPerformance', [
        '--topic',
        topic,
        '--num-records',
        String(count),
        '--throughput',
        '-1',
        '--payload-file',
        payloadFile,
        '--producer.config',
        clientConfig,
        '--producer-props',
        `bootstrap.servers=${bootstrap}`,
        'acks=all',
        'enable.idempotence=true',
        ...props,
      ])
      // Last line: "N records sent, R records/sec (M MB/sec), ..."
      const m = /(\d+) records sent, ([\d.]+) records\/sec/.exec(out.split('\n').filter(Boolean).pop() ?? '')
      if (!m || Number(m[1]) !== count) throw new Error(`ProducerPerformance: unexpected output\n${out}`)
      return Number(m[2])
    },
    consume: async (topic, count, group) => {
      const out = await run('org.apache.kafka.tools.ConsumerPerformance', [
        '--bootstrap-server',
        bootstrap,
        '--topic',
        topic,
        '--messages',
        String(count),
        '--group',
        group,
        '--timeout',
        '60000',
        '--consumer.config',
        clientConfig,
      ])
      // CSV: start.time, end.time, MB, MB.sec, nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
      const row = out
        .split('\n')
        .filter((l) => /^\d{4}-/.test(l))
        .pop()
      const cols = row?.split(',').map((c) => c.trim())
      if (!cols || cols.length < 10 || Number(cols[4]) < count) {
        throw new Error(`ConsumerPerformance: unexpected output\n${out}`)
      }
      return Number(cols[9])
    },
  }
}

/** Run a JVM with a hard time bound; resolves with stdout, rejects with stderr's tail. */
async function runJava(args: string[], timeoutMs: number): Promise<string> {
  const r = await runTracked('java', args, { timeoutMs })
  if (r.code === 0) return r.stdout
  const tool = args.find((a) => a.startsWith('org.apache.kafka.tools.')) ?? ''
  throw new Error(`java ${tool} exited ${r.code}\n${r.stderr.slice(-3000)}`)
}
