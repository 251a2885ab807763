import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The Apache Kafka version the testkit runs: the one place it is written (passed to Maven as
 * `-Dkafka.version`, which java/pom.xml uses).
 *
 * @example
 * ```ts
 * expect(kafka.version).toBe(KAFKA_VERSION)
 * ```
 */
export const KAFKA_VERSION: string = '4.1.2'

/**
 * The Maven artifacts resolved for the broker (plus their transitive runtime dependencies).
 *
 * @example
 * ```ts
 * console.log(KAFKA_ARTIFACTS.join('\n'))
 * ```
 */
export const KAFKA_ARTIFACTS: readonly string[] = [
  `org.apache.kafka:kafka_2.13:${KAFKA_VERSION}`,
  'org.apache.logging.log4j:log4j-slf4j-impl:2.24.3',
  'org.apache.logging.log4j:log4j-core:2.24.3',
]

/** Where the package lives on disk (src/ or dist/ are one level down). */
const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * The directory holding the Maven repository and the resolved classpath. `GRACEDB_KAFKA_TESTKIT_CACHE`
 * overrides it; the default is `.cache/` inside this package (gitignored).
 *
 * @example
 * ```ts
 * cacheDir({ GRACEDB_KAFKA_TESTKIT_CACHE: '/ci/cache/kafka' }) // '/ci/cache/kafka'
 * ```
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.GRACEDB_KAFKA_TESTKIT_CACHE ?? join(PACKAGE_DIR, '.cache')
}

function run(cmd: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(cmd, args, { cwd, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n')
        reject(
          new Error(
            `testkit: '${cmd} ${args.join(' ')}' failed (${(err as NodeJS.ErrnoException).code ?? err.message}).` +
              ` Is Apache Maven installed and can it reach Maven Central?\n${tail}`,
          ),
        )
      } else resolvePromise({ stdout, stderr })
    })
  })
}

async function cachedClasspath(file: string): Promise<string[] | undefined> {
  if (!existsSync(file)) return undefined
  const jars = (await readFile(file, 'utf8')).trim().split(':').filter(Boolean)
  return jars.length > 0 && jars.every((jar) => existsSync(jar)) ? jars : undefined
}

let pending: Promise<string[]> | undefined

/**
 * Resolve the broker's jars with `mvn dependency:build-classpath` from this package's `java/pom.xml`, into a
 * package-local Maven repository. The first call downloads (and prints what it resolves); later calls read the
 * cached classpath file.
 *
 * @example
 * ```ts
 * const jars = await resolveKafkaClasspath()
 * spawn('java', ['-cp', jars.join(':'), 'kafka.Kafka', 'server.properties'])
 * ```
 */
export function resolveKafkaClasspath(log: (line: string) => void = console.log): Promise<string[]> {
  pending ??= resolveOnce(log).catch((err: unknown) => {
    pending = undefined
    throw err
  })
  return pending
}

/**
 * The cached classpath file: keyed by the Kafka version and a hash of java/pom.xml, so changing either (say,
 * a log4j bump) resolves again instead of reusing a stale classpath.
 */
async function classpathFile(dir: string, pom: string): Promise<string> {
  const hash = createHash('sha256')
    .update(await readFile(pom))
    .digest('hex')
    .slice(0, 16)
  return join(dir, `classpath-${KAFKA_VERSION}-${hash}.txt`)
}

async function resolveOnce(log: (line: string) => void): Promise<string[]> {
  const dir = cacheDir()
  const javaDir = join(PACKAGE_DIR, 'java')
  const file = await classpathFile(dir, join(javaDir, 'pom.xml'))
  const cached = await cachedClasspath(file)
  if (cached) return cached
  await mkdir(dir, { recursive: true })
  log(`testkit: resolving Apache Kafka ${KAFKA_VERSION} with Maven: ${KAFKA_ARTIFACTS.join(', ')}`)
  const started = Date.now()
  const tmp = `${file}.${process.pid}.tmp`
  await run(
    'mvn',
    [
      '-B',
      '-q',
      `-Dmaven.repo.local=${join(dir, 'm2')}`,
      `-Dkafka.version=${KAFKA_VERSION}`,
      'dependency:build-classpath',
      `-Dmdep.outputFile=${tmp}`,
      '-Dmdep.includeScope=runtime',
    ],
    javaDir,
  )
  await rename(tmp, file)
  const jars = await cachedClasspath(file)
  if (!jars) throw new Error(`testkit: Maven produced an empty or broken classpath in ${file}`)
  log(`testkit: resolved ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)}s into ${dir}`)
  return jars
}

/**
 * Write the log4j2 configuration the broker uses (console, INFO, noisy loggers quieted), plus `levels`: extra
 * logger levels by logger (class) name.
 *
 * @example
 * ```ts
 * await writeLog4jConfig('/tmp/kafka/log4j2.properties', {
 *   'org.apache.kafka.common.security.authenticator.SaslServerAuthenticator': 'DEBUG',
 * })
 * ```
 */
export async function writeLog4jConfig(path: string, levels: Record<string, string> = {}): Promise<void> {
  const extra = Object.entries(levels).flatMap(([name, level], i) => [
    `logger.extra${i}.name = ${name}`,
    `logger.extra${i}.level = ${level}`,
  ])
  await writeFile(
    path,
    [
      'status = warn',
      'appender.console.type = Console',
      'appender.console.name = STDOUT',
      'appender.console.layout.type = PatternLayout',
      'appender.console.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.stdout.ref = STDOUT',
      'logger.request.name = kafka.request.logger',
      'logger.request.level = WARN',
      'logger.state.name = state.change.logger',
      'logger.state.level = WARN',
      'logger.config.name = org.apache.kafka.common.config.AbstractConfig',
      'logger.config.level = WARN',
      ...extra,
      '',
    ].join('\n'),
  )
}
