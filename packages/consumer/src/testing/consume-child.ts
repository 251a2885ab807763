// A consumer in a child process, driven by the integration tests (signals, crash/restart).
// argv[2]: JSON { options, pipelines, manual, delayMs, timeout }. Prints one JSON line per event to stdout.
import { setTimeout as sleep } from 'node:timers/promises'
import { GraceDbKafkaConsumer } from '../consumer.js'

interface ChildConfig {
  options: ConstructorParameters<typeof GraceDbKafkaConsumer>[0]
  delayMs?: number
  timeout?: number
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig
const out = (event: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`)
}

const consumer = new GraceDbKafkaConsumer(config.options)
await consumer.subscribe([...consumer.subscription].map((t) => t.slice(consumer.instanceName.length + 1)))
out({ event: 'ready' })
for await (const msg of consumer.stream({ timeout: config.timeout ?? 1 })) {
  out({ event: 'message', partition: msg.partition, offset: msg.offset, value: msg.value })
  if (config.delayMs) await sleep(config.delayMs)
  if (!consumer.autoCommit) await consumer.commit(msg)
}
out({ event: 'stream-ended' })
await consumer.close()
out({ event: 'closed' })
