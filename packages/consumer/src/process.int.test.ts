import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ConsumerOptionsInput } from './options.js'
import {
  committedOffsets,
  consumerOptions,
  freshTopic,
  jsonMessages,
  produce,
  uniq,
  useToken,
} from './testing/helpers.js'

// Consumers in child processes (TypeScript source run through tsx), so that signals and SIGKILL hit a real process.
const CHILD = fileURLToPath(new URL('./testing/consume-child.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

let kafka: SharedKafka
const children = new Set<ChildProcess>()

beforeAll(async () => {
  kafka = await sharedKafka()
  await useToken(kafka)
})

afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  children.clear()
})

interface ChildEvent {
  event: string
  partition?: number
  offset?: number
  value?: unknown
}

function startChild(config: { options: ConsumerOptionsInput; delayMs?: number; timeout?: number }) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@gracedb-kafka/source', CHILD, JSON.stringify(config)],
    { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  children.add(child)
  const events: ChildEvent[] = []
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const waiters: { pred: (e: ChildEvent[]) => boolean; resolve: () => void }[] = []
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as ChildEvent)
    } catch {
      return
    }
    for (const w of [...waiters]) {
      if (w.pred(events)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
    }
  })
  // 'close', not 'exit': it comes after stdout and stderr are drained, so every line the child wrote is in `events`
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  )
  const until = (pred: (e: ChildEvent[]) => boolean, ms: number, what: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (pred(events)) return resolve()
      const timer = setTimeout(
        () => reject(new Error(`child: timed out waiting for ${what}; stderr: ${stderr}`)),
        ms,
      )
      waiters.push({
        pred,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
      })
    })
  return { child, events, exited, until, stderr: () => stderr }
}

const messagesIn = (events: ChildEvent[]): ChildEvent[] => events.filter((e) => e.event === 'message')

describe('GraceDbKafkaConsumer in a child process', () => {
  it('SIGINT ends stream() cleanly: exit code 0, offsets of handed-out messages committed', async () => {
    const { instance, topic } = await freshTopic(kafka)
    await produce(kafka, topic, jsonMessages(20))
    const groupId = `sigint-${uniq()}`
    const run = startChild({
      options: consumerOptions(kafka, instance, { topics: 'test', groupId, autoOffsetReset: 'earliest' }),
      timeout: 1,
    })
    await run.until((e) => messagesIn(e).length >= 20, 60_000, '20 messages')
    const t0 = Date.now()
    run.child.kill('SIGINT')
    const { code, signal } = await run.exited
    expect({ code, signal }).toEqual({ code: 0, signal: null })
    expect(Date.now() - t0).toBeLessThan(10_000) // within one timeout plus leaving the group
    expect(run.events.map((e) => e.event)).toEqual([
      'ready',
      ...Array(20).fill('message'),
      'stream-ended',
      'closed',
    ])
    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe(20)
  })

  it('SIGKILL mid-stream with manual commit, then restart: every message is processed at least once', async () => {
    const { instance, topic } = await freshTopic(kafka, 'test', 3)
    const total = 300
    await produce(kafka, topic, jsonMessages(total))
    const groupId = `crash-${uniq()}`
    const options = consumerOptions(kafka, instance, {
      topics: 'test',
      groupId,
      autoOffsetReset: 'earliest',
      autoCommit: false,
      // the killed member keeps its partitions until its session times out: keep that short
      kafkaConfig: { 'session.timeout.ms': 8000, 'heartbeat.interval.ms': 1000 },
    })
    const first = startChild({ options, delayMs: 10 })
    await first.until((e) => messagesIn(e).length >= 100, 60_000, '100 messages')
    first.child.kill('SIGKILL')
    expect((await first.exited).signal).toBe('SIGKILL')
    const processedBefore = messagesIn(first.events)
    expect(processedBefore.length).toBeLessThan(total)

    const second = startChild({ options })
    const seen = new Set(processedBefore.map((e) => (e.value as { n: number }).n))
    await second.until(
      (e) => {
        for (const m of messagesIn(e)) seen.add((m.value as { n: number }).n)
        return seen.size === total
      },
      60_000,
      'every message',
    )
    second.child.kill('SIGINT')
    expect((await second.exited).code).toBe(0)
    expect(seen.size).toBe(total)
    // at-least-once, and redelivery is limited to what was not committed: at most the messages in flight
    const redelivered = messagesIn(second.events).length + processedBefore.length - total
    expect(redelivered).toBeGreaterThanOrEqual(0)
    expect(redelivered).toBeLessThanOrEqual(1) // only the message being processed when the process died
  })
})
