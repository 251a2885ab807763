// The reference's own integration suite, run as shipped: pytest on kafka/test/integration/test_kafka_integration.py
// from the installed ligo-gracedb 2.16.1 in .venv (never a copy), against the testkit broker (SASL_SSL,
// OAUTHBEARER with signed SciTokens, TLS). Every test must pass and none may be skipped: the suite skips itself
// when it cannot reach the broker or find a token, and a skip would mean it did not really run.
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { withAdmin } from '@gracedb-kafka/testkit'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import { deriveInstanceName, makeTopicName } from '@gracedb-kafka/topics'
import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type JunitCase, parseJunit } from './junit.js'
import { assertPythonPeer, runVenvPython } from './python-peer.js'

/** The suite inside the installed package (scripts/setup-python-peer.mjs installs it). */
const SUITE = fileURLToPath(
  new URL(
    '../.venv/lib/python3.11/site-packages/ligo/gracedb/kafka/test/integration/test_kafka_integration.py',
    import.meta.url,
  ),
)
/** A service URL of our own: its instance, `gracedb-refsuite-py`, has the topics only this file creates. */
const SERVICE_URL = 'https://gracedb-refsuite-py.invalid/api/'
const PIPELINE = 'test'

let kafka: SharedKafka
let dir: string

beforeAll(async () => {
  assertPythonPeer()
  kafka = await sharedKafka()
  dir = await mkdtemp(join(tmpdir(), 'gracedb-kafka-refsuite-'))
})

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** `auto.create.topics.enable` of the shared broker, to explain a failure (the suite needs it off). */
async function autoCreateTopics(): Promise<string> {
  try {
    return await withAdmin(kafka.plaintextBootstrapServers.split(','), async (admin) => {
      const { brokers } = await admin.describeCluster()
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: kafkajs.ConfigResourceTypes.BROKER,
            name: String(brokers[0]!.nodeId),
            configNames: ['auto.create.topics.enable'],
          },
        ],
      })
      const entry = resources[0]?.configEntries.find((e) => e.configName === 'auto.create.topics.enable')
      return entry?.configValue ?? 'unknown'
    })
  } catch (err) {
    return `unknown (${(err as Error).message})`
  }
}

/** The test functions the file defines, read from its source: what pytest must have run. */
function definedTests(): string[] {
  return [...readFileSync(SUITE, 'utf8').matchAll(/^ {4}def (test_\w+)\(/gm)].map((m) => m[1]!).sort()
}

describe("the reference's integration suite (pytest) against the testkit broker", () => {
  it('passes every test of test_kafka_integration.py, none skipped', async () => {
    const instance = deriveInstanceName(SERVICE_URL)
    // Auto-creation is off on GraceDB's brokers (and on the testkit's): the suite's topic must exist.
    await kafka.createTopic(makeTopicName(instance, PIPELINE))
    const token = await kafka.issuer.mint({ scope: 'gracedb.read' }) // what htgettoken gives a pipeline
    const tokenPath = await kafka.issuer.writeTokenFile(token, join(dir, 'token'))
    const cache = join(dir, 'cache')
    await mkdir(cache)
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      XDG_RUNTIME_DIR: dir, // no token of this machine's user is found by accident
      XDG_CACHE_HOME: cache,
      PYTHONDONTWRITEBYTECODE: '1', // nothing written into the installed package
      BEARER_TOKEN_FILE: tokenPath, // WLCG discovery, as the suite's docstring says (htgettoken's file)
      KAFKA_BROKER: kafka.bootstrapServers,
      TEST_SERVICE: SERVICE_URL,
      KAFKA_TOPIC: PIPELINE,
      KAFKA_CA_CERT: kafka.caCertPath,
      KAFKA_SCOPE: 'gracedb.read',
      KAFKA_PERFORMANCE_TESTS: '1', // run the optional throughput test too: nothing is skipped
    }
    // The test issuer's `iss` is not a reachable URL; put its public keys in scitokens' key cache, as a
    // download would (see peer_common.py), and check that igwn-auth-utils then finds and verifies the token
    // for the broker's audience and the scope, as the reference's discovery does before any fallback.
    const check = [
      'import sys, peer_common',
      'from importlib.metadata import version',
      'from igwn_auth_utils.scitokens import find_token',
      "print(version('ligo-gracedb'))",
      "print('verified' if find_token(sys.argv[1], sys.argv[2], skip_errors=True) else 'not found')",
    ].join('\n')
    const seeded = await runVenvPython(['-c', check, kafka.bootstrapServers.split(':')[0]!, 'gracedb.read'], {
      ...env,
      GK_ISSUER: kafka.issuer.issuer,
      GK_ISSUER_JWKS: JSON.stringify(kafka.issuer.jwks),
    })
    expect(seeded.code, seeded.stderr).toBe(0)
    expect(seeded.stdout.trim().split('\n'), 'ligo-gracedb 2.16.1, and a token it verifies').toEqual([
      '2.16.1',
      'verified',
    ])

    const ini = join(dir, 'pytest.ini')
    await writeFile(ini, '[pytest]\nmarkers =\n    integration: talks to a real Kafka broker\n')
    const junit = join(dir, 'junit.xml')
    const run = await runVenvPython(
      [
        '-m',
        'pytest',
        SUITE,
        '-c',
        ini,
        '--rootdir',
        dir,
        '--import-mode=importlib', // import the installed module as it is, nothing prepended to sys.path
        '-p',
        'no:cacheprovider', // no .pytest_cache in site-packages
        `--junitxml=${junit}`,
        '-rfEs', // the short summary lists failures, errors and skips with their reasons
        '--tb=short',
        '--color=no',
      ],
      env,
      { cwd: dir, timeoutMs: 170_000 },
    )
    const cases: JunitCase[] = parseJunit(await readFile(junit, 'utf8').catch(() => ''))
    const notPassed = cases.filter((c) => c.outcome !== 'passed')
    const summary = run.stdout.trim().split('\n').at(-1) ?? ''
    const autoCreate = await autoCreateTopics()
    const why =
      `pytest exited ${run.code}: ${summary}\n` +
      notPassed.map((c) => `  ${c.outcome.toUpperCase()} ${c.name}: ${c.message.split('\n')[0]}`).join('\n') +
      `\nbroker auto.create.topics.enable=${autoCreate}` +
      (autoCreate === 'true'
        ? " (the suite's missing-topic tests need it off, as on GraceDB's brokers)"
        : '') +
      `\n--- pytest output (tail) ---\n${run.stdout.slice(-6000)}\n${run.stderr.slice(-2000)}`
    const slowest = [...cases]
      .sort((a, b) => b.time - a.time)
      .slice(0, 4)
      .map((c) => `${c.name} ${c.time.toFixed(1)} s`)
    console.log(
      `reference suite: ${summary} (auto.create.topics.enable=${autoCreate}; slowest: ${slowest.join(', ')})`,
    )
    expect(notPassed, why).toEqual([])
    expect(cases.map((c) => c.name).sort(), why).toEqual(definedTests())
    expect(run.code, why).toBe(0)
  })
})

describe('parseJunit', () => {
  it("reads pytest's outcomes: passed, failed, error and skipped, with their messages", () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest"
      errors="1" failures="1" skipped="1" tests="4"><testcase classname="m.TestA" name="test_ok" time="0.5" />
      <testcase classname="m.TestA" name="test_bad" time="1.0"><failure message="AssertionError: assert &quot;x&quot; in &apos;y&apos;">trace</failure></testcase>
      <testcase classname="m.TestB" name="test_err" time="0.1"><error message="failed on setup with &lt;KafkaTokenError&gt;">trace</error></testcase>
      <testcase classname="m.TestB" name="test_skip" time="0"><skipped type="pytest.skip" message="Kafka broker not reachable at h:1">skip</skipped></testcase>
      </testsuite></testsuites>`
    expect(parseJunit(xml)).toEqual([
      { classname: 'm.TestA', name: 'test_ok', outcome: 'passed', message: '', time: 0.5 },
      {
        classname: 'm.TestA',
        name: 'test_bad',
        outcome: 'failed',
        message: `AssertionError: assert "x" in 'y'`,
        time: 1,
      },
      {
        classname: 'm.TestB',
        name: 'test_err',
        outcome: 'error',
        message: 'failed on setup with <KafkaTokenError>',
        time: 0.1,
      },
      {
        classname: 'm.TestB',
        name: 'test_skip',
        outcome: 'skipped',
        message: 'Kafka broker not reachable at h:1',
        time: 0,
      },
    ])
    expect(parseJunit('')).toEqual([])
  })
})
