// Runs every example (one per code block of the specification) against the local stack: the testkit broker
// (SASL_SSL + OAUTHBEARER + TLS) and the GraceDB stand-in, each as its own Node process, as a user would.
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ClientTestEnv, startClientTestEnv } from '../packages/cli/src/testing/client-test-env.js'
import { type CliProcess, runCli, startScript } from '../packages/cli/src/testing/spawn-cli.js'

let t: ClientTestEnv
let gracedb: ClientTestEnv['gracedb']
let env: NodeJS.ProcessEnv

const example = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url))
async function runExample(name: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const p = startScript(example(name), [], { ...env, ...extraEnv })
  const code = await p.exited
  return { code, stdout: p.stdout(), stderr: p.stderr() }
}

/** Produce to <instance>.test with the CLI until the running example prints something, then Ctrl-C it. */
async function feedUntilOutput(p: CliProcess, marker: string): Promise<void> {
  for (let i = 0; !p.stdout().includes(marker); i++) {
    if (i > 40) throw new Error(`no output; stderr: ${p.stderr()}`)
    await runCli(['produce', '--topic', 'test', JSON.stringify({ marker })], env)
    await sleep(500)
  }
  p.child.kill('SIGINT')
}

beforeAll(async () => {
  t = await startClientTestEnv('examples')
  ;({ gracedb, env } = t)
})

afterAll(async () => {
  await t?.stop()
})

describe('examples/ (one per code block of the spec)', () => {
  it('topic-utilities', async () => {
    const r = await runExample('topic-utilities')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['gracedb-dev', 'gracedb-dev.gstlal'])
    expect(r.stdout).toContain("[ 'gracedb-dev', 'gstlal' ]")
  })

  it.each([
    ['create-producer', /producer for localhost\.test/],
    ['produce-messages', /delivered to localhost\.test \[\d+\] @ \d+; still queued: 0/],
    ['produce-await-using', /closed: every message was delivered/],
    ['ping', /type: 'ping'/],
    ['flush-timeout', /flushTimeout: 30s/],
    ['create-kafka-producer', /published to localhost\.test/],
    ['no-token-reload', /delivered without proactive token reloading: localhost\.test@\d+/],
    ['error-handling', /broker unreachable: ERR_KAFKA_CONNECTION/],
  ])('%s', async (name, expected) => {
    const r = await runExample(name)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(expected)
  })

  it('create-event: the graceid printed is the one GraceDB stores, routed to <instance>.gstlal', async () => {
    const r = await runExample('create-event')
    expect(r.code, r.stderr).toBe(0)
    const graceid = r.stdout.trim()
    expect(graceid).toMatch(/^G\d+$/)
    const stored = await gracedb.waitForEvent(graceid)
    expect(stored).toMatchObject({ group: 'CBC', pipeline: 'gstlal', search: 'AllSky', via: 'kafka' })
  })

  it('http-fallback: with Kafka healthy the event still arrives, once', async () => {
    const r = await runExample('http-fallback')
    expect(r.code, r.stderr).toBe(0)
    const graceid = r.stdout.trim()
    expect((await gracedb.waitForEvent(graceid)).graceid).toBe(graceid)
    expect(gracedb.events.filter((e) => e.graceid === graceid)).toHaveLength(1)
  })

  it('skip-server-processing', async () => {
    const r = await runExample('skip-server-processing')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/gracedbUpload=false graceid: null/)
    const skipped = r.stdout.match(/skipSupervisor=true graceid: (G\d+)/)?.[1]
    expect(skipped).toBeDefined()
    // The supervisor saw the message and, as asked, did not complete the upload.
    const deadline = Date.now() + 15_000
    while (!gracedb.supervised.some((m) => m.graceid === skipped) && Date.now() < deadline) await sleep(100)
    expect(gracedb.supervised.find((m) => m.graceid === skipped)?.outcome).toBe('skip_supervisor')
    expect(gracedb.events.find((e) => e.graceid === skipped)).toBeUndefined()
  })

  it.each([
    ['consume-live', {}],
    ['consume-group', { EXAMPLE_GROUP_ID: `examples-${Date.now()}` }],
    ['consume-poll', {}],
  ])('%s prints new messages and stops cleanly on Ctrl-C', async (name, extra) => {
    const p = startScript(example(name), [], { ...env, ...extra })
    await feedUntilOutput(p, `m-${name}`)
    expect(await p.exited).toBe(0)
    expect(p.stdout()).toContain(`m-${name}`)
  })

  it('consume-replay replays earlier messages from the beginning, then stops on Ctrl-C', async () => {
    const marker = `replay-${Date.now()}`
    expect((await runCli(['produce', '--topic', 'test', JSON.stringify({ marker })], env)).code).toBe(0)
    const p = startScript(example('consume-replay'), [], { ...env, EXAMPLE_GROUP_ID: marker })
    await p.waitFor(new RegExp(marker), 30_000)
    p.child.kill('SIGINT')
    expect(await p.exited).toBe(0)
  })
})
