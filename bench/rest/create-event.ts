// createEvent latency: the Kafka path (reserve over HTTP + produce + flush) against a plain HTTP create, both
// against the testkit GraceDB stand-in and a real testkit broker (SASL_SSL + OAUTHBEARER, KRaft).
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/rest/create-event.ts [iterations] [fileBytes]
//
// Prints p50 / p90 / p99 / mean in milliseconds for each path. Run on demand, never as a timed test.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { GraceDb } from '@gracedb-kafka/rest'
import { startGraceDbStandIn, startKafka } from '@gracedb-kafka/testkit'
import { latencySummary } from '../stats.js'

const iterations = Number(process.argv[2] ?? 300)
const fileBytes = Number(process.argv[3] ?? 16 * 1024)
const warmup = 20

function summary(name: string, samples: number[]): Record<string, string | number> {
  return { path: name, ...latencySummary(samples) }
}

const dir = await mkdtemp(join(tmpdir(), 'gk-bench-rest-'))
const kafka = await startKafka()
const gracedb = await startGraceDbStandIn({ kafka })
try {
  const token = await kafka.issuer.mint({ aud: ['localhost', gracedb.audience] })
  process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(token, join(dir, 'token'))
  const file = join(dir, 'coinc.xml')
  await writeFile(file, randomBytes(fileBytes))

  await using client = new GraceDb(gracedb.serviceUrl, { apiVersion: 'v2' })
  await using producer = client.createKafkaProducer({
    bootstrapServers: kafka.bootstrapServers,
    caCertPath: kafka.caCertPath,
  })

  const run = async (kind: 'kafka' | 'http', count: number, skip: number): Promise<number[]> => {
    const samples: number[] = []
    for (let i = 0; i < skip + count; i++) {
      const t0 = performance.now()
      const r = await client.createEvent('CBC', 'gstlal', file, kind === 'kafka' ? { kafka: producer } : {})
      const dt = performance.now() - t0
      if (!r.graceid) throw new Error('no graceid')
      if (i >= skip) samples.push(dt)
    }
    return samples
  }

  // Interleave the two paths in blocks so background noise hits both alike.
  const kafkaSamples: number[] = []
  const httpSamples: number[] = []
  const blocks = 3
  for (let b = 0; b < blocks; b++) {
    const per = Math.ceil(iterations / blocks)
    kafkaSamples.push(...(await run('kafka', per, b === 0 ? warmup : 0)))
    httpSamples.push(...(await run('http', per, b === 0 ? warmup : 0)))
  }
  const delivered = gracedb.events.filter((e) => e.via === 'kafka').length
  console.log(`createEvent latency, ${fileBytes}-byte file, node ${process.version}, broker ${kafka.version}`)
  console.table([
    summary('kafka (reserve + produce + flush)', kafkaSamples),
    summary('http (plain create)', httpSamples),
  ])
  console.log(`supervisor completed ${delivered} Kafka-path events so far`)
} finally {
  await gracedb.stop()
  await kafka.stop()
  await rm(dir, { recursive: true, force: true })
}
