// Bad command lines and environments, run in-process and as a spawned `gracedb-kafka` process: the exit code is
// 2 for a usage error (1 for a runtime failure), the message names the culprit, and no secret is printed.
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type GraceDbStandIn, startGraceDbStandIn } from '@gracedb-kafka/testkit'
import { afterAll, beforeAll, describe } from 'vitest'
import { type CliCase, UNREACHABLE as CONN, describeCliCases } from '../testing/cli-cases.js'
import { claims, rawJwt } from '../testing/leaks.js'

let dir: string
let gracedb: GraceDbStandIn
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gk-cli-bad-'))
  if (spawnSync('mkfifo', [join(dir, 'fifo')]).status !== 0) throw new Error('mkfifo failed')
  gracedb = await startGraceDbStandIn({ requireAuth: false })
})
afterAll(async () => {
  await gracedb?.stop()
  await rm(dir, { recursive: true, force: true })
})

const PASSWORD = 'Pa55/w0rd'
// Tokens the command never reads: only the JSON-header heuristic can hide them when commander echoes them.
const SPACED = rawJwt(claims(), '{ "alg": "ES256" }')
// A token the command reads (BEARER_TOKEN) whose header no heuristic recognises: only redaction by value hides it.
const READ = rawJwt(claims({ aud: 'other.example.org' }, -60), ' {"alg":"ES256"}')
// Shaped like a JWT with a JSON header, short enough to be a pipeline name.
// A usable token for kafka.example.org (the `token` command shows it, never prints it).
const VALID = rawJwt(claims())
const SHORT_JWT = rawJwt('{"b":2}', '{ "a":1}', 'c2ln')

const CASES: CliCase[] = [
  {
    name: 'no arguments: help on stderr, exit 2',
    spawn: true,
    args: () => [],
    code: 2,
    says: /Usage: gracedb-kafka/,
  },
  { name: 'a command group alone', args: () => ['topic'], code: 2, says: /Usage: gracedb-kafka topic/ },
  {
    name: '--help: stdout, exit 0',
    spawn: true,
    args: () => ['--help'],
    code: 0,
    says: /Usage: gracedb-kafka/,
    stdout: true,
  },
  {
    name: 'help COMMAND: exit 0',
    args: () => ['help', 'ping'],
    code: 0,
    says: /Usage: gracedb-kafka ping/,
    stdout: true,
  },
  { name: 'unknown command', spawn: true, args: () => ['pnig'], code: 2, says: /unknown command 'pnig'/ },
  {
    name: 'unknown option',
    args: () => ['ping', '--tmeout', '3'],
    code: 2,
    says: /unknown option '--tmeout'/,
  },
  {
    name: 'a token pasted as an unknown option',
    spawn: true,
    args: () => ['ping', `--token=${SPACED}`],
    code: 2,
    says: /unknown option/,
    secrets: [SPACED],
  },
  {
    name: 'a token pasted as an extra argument',
    args: () => ['topic', 'parse', 'a.b', SPACED],
    code: 2,
    says: /too many arguments|excess/i,
    secrets: [SPACED],
  },
  {
    name: 'missing argument',
    args: () => ['topic', 'make', 'gracedb-dev'],
    code: 2,
    says: /missing required argument 'pipeline'/,
  },
  { name: 'bad topic', spawn: true, args: () => ['topic', 'parse', 'nodot'], code: 2, says: /nodot/ },
  { name: 'bad instance', args: () => ['topic', 'make', 'grace.db', 'x'], code: 2, says: /grace\.db/ },
  {
    name: 'bad service URL',
    args: () => ['topic', 'derive', 'gracedb.ligo.org'],
    code: 2,
    says: /Cannot parse hostname/,
  },
  ...(['ture', 'on', 'off', 'enabled', '2', 'y'] as const).map(
    (v): CliCase => ({
      name: `GRACEDB_KAFKA_USE_SSL=${v}`,
      args: () => ['ping', ...CONN],
      env: () => ({ GRACEDB_KAFKA_USE_SSL: v }),
      code: 2,
      says: new RegExp(`GRACEDB_KAFKA_USE_SSL="${v}" is not a boolean`),
      spawn: v === 'ture',
    }),
  ),
  {
    name: 'a bad boolean fails even a command that does not connect',
    spawn: true,
    args: () => ['topic', 'make', 'gracedb-dev', 'gstlal'],
    env: () => ({ GRACEDB_KAFKA_SKIP_HOSTNAME_VERIFICATION: 'maybe' }),
    code: 2,
    says: /GRACEDB_KAFKA_SKIP_HOSTNAME_VERIFICATION="maybe" is not a boolean/,
  },
  {
    name: 'documented booleans in any case are accepted',
    args: () => ['topic', 'make', 'gracedb-dev', 'gstlal'],
    env: () => ({ GRACEDB_KAFKA_USE_SSL: 'YES', GRACEDB_KAFKA_SKIP_HOSTNAME_VERIFICATION: 'False' }),
    code: 0,
    says: /^gracedb-dev\.gstlal\n$/,
    stdout: true,
  },
  {
    name: 'ping to a bad topic: usage error before any token lookup',
    args: () => ['ping', '--topic', 'gst lal', ...CONN],
    code: 2,
    says: /pipeline "gst lal" contains " "/,
  },
  {
    name: 'a CA bundle that does not exist: usage error before any token lookup',
    args: () => ['ping', ...CONN, '--ca-cert-path', join(dir, 'missing-ca.pem')],
    code: 2,
    says: /--ca-cert-path: .*missing-ca\.pem" is not a readable file/,
  },
  {
    name: 'a JWT-shaped pipeline name is a result, printed as given',
    args: () => ['topic', 'make', 'gracedb-dev', SHORT_JWT],
    code: 0,
    says: new RegExp(`^gracedb-dev\\.${SHORT_JWT.replace(/[.]/g, '\\.')}\n$`),
    stdout: true,
  },
  {
    name: '--url with a password containing "/"',
    spawn: true,
    args: () => ['ping', '--instance-name', 'x', '--url', `kafka://u:${PASSWORD}@host:9092/topic`],
    code: 2,
    says: /a password does not belong/,
    secrets: [PASSWORD],
  },
  {
    name: '--url with a password, --verbose (stack and causes shown)',
    spawn: true,
    args: () => ['--verbose', 'ping', '--instance-name', 'x', '--url', `kafka://u:${PASSWORD}@host/t`],
    code: 2,
    says: /\*\*\*/,
    secrets: [PASSWORD],
  },
  {
    name: 'GRACEDB_KAFKA_URL with a password',
    spawn: true,
    args: () => ['ping', '--instance-name', 'x'],
    env: () => ({ GRACEDB_KAFKA_URL: `kafka://alice:${PASSWORD}@host/t` }),
    code: 2,
    says: /password/,
    secrets: [PASSWORD],
  },
  {
    name: '--bootstrap-servers as a kafka:// URL with a password',
    args: () => ['ping', '--instance-name', 'x', '--bootstrap-servers', `KAFKA://u:${PASSWORD}@h/t`],
    code: 2,
    says: /password/,
    secrets: [PASSWORD],
  },
  {
    name: '--bootstrap-servers with user info',
    args: () => ['ping', '--instance-name', 'x', '--bootstrap-servers', `u:${PASSWORD}@h:9092`],
    code: 2,
    says: /user info/,
    secrets: [PASSWORD],
  },
  {
    name: '--url that is not kafka://',
    args: () => ['ping', '--instance-name', 'x', '--url', 'https://h/t'],
    code: 2,
    says: /unsupported scheme "https"/,
  },
  {
    name: 'a token read from BEARER_TOKEN that is refused, --verbose',
    spawn: true,
    args: () => [
      '--verbose',
      'token',
      '--scope',
      'kafka.produce',
      '--bootstrap-servers',
      'kafka.example.org:9092',
    ],
    env: () => ({ BEARER_TOKEN: READ }),
    code: 1,
    says: /ERR_KAFKA_TOKEN_EXPIRED/,
    secrets: [READ],
  },
  {
    name: 'token --scope read (no path)',
    args: () => ['token', '--scope', 'read', '--bootstrap-servers', 'kafka.example.org:9092'],
    code: 2,
    says: /needs a path/,
  },
  {
    // It used to fall back to localhost:9092 on its own (then failed later, exit 1, on the token).
    name: 'token with no broker anywhere: a usage error, as every other command',
    spawn: true,
    args: () => ['token'],
    env: () => ({ BEARER_TOKEN: VALID }),
    code: 2,
    says: /no Kafka broker: pass --bootstrap-servers.*GRACEDB_KAFKA_BOOTSTRAP_SERVERS/,
    secrets: [VALID],
  },
  {
    name: 'token --scope with no broker: a usage error',
    args: () => ['token', '--scope', 'kafka.produce'],
    code: 2,
    says: /no Kafka broker/,
  },
  {
    // The broker (whose hostname is the default audience) comes from the kafka:// URL like every command's;
    // the old fallback checked the token against "localhost" and refused it.
    name: 'token with the broker only in a kafka:// URL',
    args: () => ['token', '--scope', 'kafka.produce', '--url', 'kafka://kafka.example.org:9092/test'],
    env: () => ({ BEARER_TOKEN: VALID }),
    code: 0,
    stdout: true,
    says: /aud: +kafka\.example\.org/,
    secrets: [VALID],
  },
  {
    name: 'token with the broker only in GRACEDB_KAFKA_URL',
    args: () => ['token', '--scope', 'kafka.produce'],
    env: () => ({ BEARER_TOKEN: VALID, GRACEDB_KAFKA_URL: 'kafka://kafka.example.org:9092/test' }),
    code: 0,
    stdout: true,
    says: /source: +BEARER_TOKEN/,
    secrets: [VALID],
  },
  {
    name: 'create-event with a FIFO: refused at once, nothing created',
    spawn: true,
    args: () => ['create-event', 'Test', 'gstlal', join(dir, 'fifo'), '--service-url', gracedb.serviceUrl],
    code: 1,
    says: /is a FIFO, not a regular file.*\[ERR_GRACEDB_FILE_UNREADABLE\]/,
  },
]

describe('bad command lines', () => {
  describeCliCases(CASES, () => ({ XDG_RUNTIME_DIR: dir }))
})
