// createEvent over Kafka with our client (reserve over HTTP + produce the upload message) against the testkit
// GraceDB stand-in, one client and one producer for all calls. Samples in ms, warm-up calls excluded.
import { performance } from 'node:perf_hooks'
import { GraceDb } from '@gracedb-kafka/rest'
import type { PeersEnv } from './setup.js'

export async function oursCreateEvent(
  env: PeersEnv,
  file: string,
  count: number,
  warmup: number,
): Promise<number[]> {
  if (!env.gracedb) throw new Error('no GraceDB stand-in')
  await using client = new GraceDb(env.gracedb.serviceUrl, { apiVersion: 'v2' })
  await using producer = client.createKafkaProducer({
    bootstrapServers: env.kafka.bootstrapServers,
    caCertPath: env.kafka.caCertPath,
  })
  const samples: number[] = []
  for (let i = 0; i < warmup + count; i++) {
    const t0 = performance.now()
    const response = await client.createEvent('CBC', 'gstlal', file, { kafka: producer })
    const ms = performance.now() - t0
    if (!response.graceid) throw new Error('createEvent: no graceid')
    if (i >= warmup) samples.push(ms)
  }
  return samples
}
