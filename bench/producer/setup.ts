// Shared setup for the producer benchmarks (throughput.ts, matrix.ts): one testkit broker (KRaft, SASL_SSL +
// OAUTHBEARER, TLS), a token file for our producer's discovery, a raw kafkajs client over the same listener
// for the baselines, and the 1 KiB JSON event both benches send.
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type KafkaTestCluster, startKafka } from '@gracedb-kafka/testkit'
import { Kafka, logLevel } from 'kafkajs'

const pad = 'x'.repeat(1024 - JSON.stringify({ seq: 0, graceid: 'G000000', pad: '' }).length - 6)

/** Message `seq` of the producer benches: 1 KiB as JSON (warm-up messages have negative `seq`). */
export const event = (seq: number): Record<string, unknown> => ({
  seq,
  graceid: `G${String(Math.abs(seq)).padStart(6, '0')}`,
  pad,
})

export interface ProducerBench {
  kafka: KafkaTestCluster
  /** kafkajs over SASL_SSL with the token our producer reads (BEARER_TOKEN_FILE), for the raw baselines. */
  rawKafka: Kafka
  /** Stop the broker and remove the temporary directory. */
  stop(): Promise<void>
}

/** Start the broker and write the token file (BEARER_TOKEN_FILE is set for this process). */
export async function startProducerBench(name: string): Promise<ProducerBench> {
  const dir = await mkdtemp(join(tmpdir(), `gk-bench-${name}-`))
  const kafka = await startKafka({ log: () => {} })
  const stop = async (): Promise<void> => {
    await kafka.stop()
    await rm(dir, { recursive: true, force: true })
  }
  try {
    const tokenFile = await kafka.issuer.writeTokenFile(
      await kafka.issuer.mint({ sub: 'bench' }, { lifetime: 7200 }),
      join(dir, 'token'),
    )
    process.env.BEARER_TOKEN_FILE = tokenFile
    const token = readFileSync(tokenFile, 'utf8')
    const rawKafka = new Kafka({
      clientId: 'bench-raw',
      brokers: kafka.bootstrapServers.split(','),
      ssl: { ca: [readFileSync(kafka.caCertPath, 'utf8')] },
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: token }) },
      logLevel: logLevel.NOTHING,
    })
    return { kafka, rawKafka, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
