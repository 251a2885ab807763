// createEvent over Kafka with our client (reserve over HTTP + produce the upload message) against the testkit
// GraceDB stand-in, one client and one producer for all calls, each call timed on its own. It runs in its own
// Node process, as the Python contender does: the stand-in lives in the bench's main process, and sharing its
// event loop would slow our client down for a reason a user never meets.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/peers/node-rest.ts SERVICE_URL BOOTSTRAP CA FILE COUNT WARMUP
//
// stdout: {"samples": [ms, ...]} (warm-up calls excluded). Token by discovery (BEARER_TOKEN_FILE).
import { performance } from 'node:perf_hooks'
import { GraceDb } from '@gracedb-kafka/rest'

const [serviceUrl, bootstrapServers, caCertPath, file, count, warmup] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
]
await using client = new GraceDb(serviceUrl, { apiVersion: 'v2' })
await using producer = client.createKafkaProducer({ bootstrapServers, caCertPath })
const samples: number[] = []
for (let i = 0; i < Number(warmup) + Number(count); i++) {
  const t0 = performance.now()
  const response = await client.createEvent('CBC', 'gstlal', file, { kafka: producer })
  const ms = performance.now() - t0
  if (!response.graceid) throw new Error('createEvent: no graceid')
  if (i >= Number(warmup)) samples.push(ms)
}
process.stdout.write(`${JSON.stringify({ samples })}\n`)
