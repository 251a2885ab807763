// Shared setup for the consumer benchmarks: a private testkit broker (SASL_SSL + OAUTHBEARER, KRaft), a token
// file for discovery, and raw kafkajs clients over the same SASL_SSL listener for the baselines.

import { readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import kafkajs from 'kafkajs'

export interface Bench {
  kafka: KafkaTestCluster
  token: string
  /** kafkajs over SASL_SSL with the same settings the consumer uses (the baseline). */
  saslClient(): kafkajs.Kafka
  /** kafkajs over PLAINTEXT, for producing test data. */
  plainClient(): kafkajs.Kafka
}

export async function setupBench(): Promise<Bench> {
  const kafka = await startKafka({ log: () => {} })
  const token = await kafka.issuer.mint({}, { lifetime: 6 * 3600 })
  const dir = await mkdtemp(join(tmpdir(), 'gk-bench-consumer-'))
  process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(token, join(dir, 'token'))
  const ca = readFileSync(kafka.caCertPath, 'utf8')
  return {
    kafka,
    token,
    saslClient: () =>
      new kafkajs.Kafka({
        clientId: 'bench-baseline',
        brokers: kafka.bootstrapServers.split(','),
        ssl: { ca: [ca] },
        sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: token }) },
        logLevel: kafkajs.logLevel.NOTHING,
      }),
    plainClient: () =>
      new kafkajs.Kafka({
        clientId: 'bench-producer',
        brokers: kafka.plaintextBootstrapServers.split(','),
        logLevel: kafkajs.logLevel.NOTHING,
      }),
  }
}

/** A JSON value of exactly `bytes` bytes: `{"graceid":"G<i>","n":<i>,"pad":"xxx…"}`. */
export function jsonValue(i: number, bytes = 1024): string {
  const head = `{"graceid":"G${i}","n":${i},"pad":"`
  return `${head}${'x'.repeat(Math.max(0, bytes - head.length - 2))}"}`
}

/** Produce `count` messages of `bytes` bytes to `topic` over PLAINTEXT in batches. */
export async function fill(bench: Bench, topic: string, count: number, bytes = 1024): Promise<void> {
  const producer = bench.plainClient().producer({ allowAutoTopicCreation: false })
  await producer.connect()
  const batch = Math.max(1, Math.min(1000, Math.floor((512 * 1024) / bytes))) // requests of at most 512 KiB
  const inflight: Promise<unknown>[] = []
  for (let i = 0; i < count; i += batch) {
    const messages = Array.from({ length: Math.min(batch, count - i) }, (_, j) => ({
      value: jsonValue(i + j, bytes),
    }))
    inflight.push(producer.send({ topic, acks: 1, messages }))
    if (inflight.length >= 8) await inflight.shift()
  }
  await Promise.all(inflight)
  await producer.disconnect()
}

export const mb = (n: number): number => Math.round(n / 2 ** 20)
