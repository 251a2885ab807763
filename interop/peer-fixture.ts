// The Python peer's fixture for the interoperability tests: one shared testkit broker, a GraceDB stand-in, and a
// token both sides find by WLCG discovery (nothing else from this machine), plus consuming helpers for each side.
// `usePythonPeer()` registers the hooks in the calling test file; the bindings below are filled in by them.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import { startGraceDbStandIn } from '@gracedb-kafka/testkit'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import { afterAll, beforeAll, expect } from 'vitest'
import { assertPythonPeer, runPython } from './python-peer.js'

export let kafka: SharedKafka
export let gracedb: Awaited<ReturnType<typeof startGraceDbStandIn>>
export let pyEnv: NodeJS.ProcessEnv
let dir: string
const savedEnv = { ...process.env }

/** A name no other test run uses. */
export const unique = (what: string): string =>
  `interop-${what}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

/** Start the broker, the stand-in and the token for this test file, and undo it all after. */
export function usePythonPeer(): void {
  beforeAll(async () => {
    assertPythonPeer()
    kafka = await sharedKafka()
    gracedb = await startGraceDbStandIn({ kafka })
    dir = await mkdtemp(join(tmpdir(), 'gracedb-kafka-interop-'))
    await mkdir(join(dir, 'cache'))
    const token = await kafka.issuer.mint({ aud: [kafka.issuer.audience, gracedb.audience] })
    const tokenPath = await kafka.issuer.writeTokenFile(token, join(dir, 'token'))
    // Both sides find the same token by WLCG discovery; nothing else from this machine.
    for (const name of ['SCITOKEN', 'SCITOKEN_FILE', 'BEARER_TOKEN', '_CONDOR_CREDS'])
      delete process.env[name]
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
      // The reference compresses with zstd by default; the zstd tests use that default. Everything else
      // runs the reference with compression.type=none, so raw byte comparisons see plain records.
      GK_PY_COMPRESSION: 'none',
    }
  })

  afterAll(async () => {
    process.env = savedEnv
    await gracedb?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })
}

/** Our side's connection options. */
export const connection = (): { bootstrapServers: string; serviceUrl: string; caCertPath: string } => ({
  bootstrapServers: kafka.bootstrapServers,
  serviceUrl: gracedb.serviceUrl,
  caCertPath: kafka.caCertPath,
})

/** Read `count` messages of `pipeline` with our consumer, from the earliest offset (at most 20 s). */
export async function ourConsume(pipeline: string, count: number): Promise<unknown[]> {
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

/** Read `count` messages of `pipeline` with the reference's consumer. */
export async function pyConsume(pipeline: string, count: number): Promise<Record<string, unknown>[]> {
  const r = await runPython('py_consume.py', [pipeline, String(count), '25'], pyEnv, { timeoutMs: 35_000 })
  expect(r.code, r.stderr).toBe(0)
  return r.json as Record<string, unknown>[]
}

/** Sort by partition, then offset. */
export const byPosition = (
  a: { partition: number; offset: number },
  b: { partition: number; offset: number },
) => a.partition - b.partition || a.offset - b.offset
