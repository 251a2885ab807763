// createEvent's two network steps done with stock parts and nothing else, as a yardstick for createEvent latency
// on this set-up: a form POST to the stand-in's reservation endpoint (Node's fetch, keep-alive), then the upload
// message sent with raw kafkajs (acks=all, no compression, not idempotent). It reads no service info, checks no
// option, builds the message with one JSON.stringify and validates nothing, so most of its time is the waits
// every client shares: the stand-in's answer and the broker's ack, on the same 2-core machine as everything else.
// It is not a floor: our client's own HTTP and produce paths can be faster than fetch and kafkajs's send. Its
// ratio to the reference shows how much of the reference's p50 and p99 those shared waits are.
//
//   node --conditions=@gracedb-kafka/source --import tsx bench/peers/raw-rest.ts SERVICE_URL BOOTSTRAP CA FILE COUNT WARMUP
//
// stdout: {"samples": [ms, ...]} (warm-up calls excluded). Token from BEARER_TOKEN_FILE.
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { performance } from 'node:perf_hooks'
import { deriveInstanceName, routeEventTopic } from '@gracedb-kafka/topics'
import { Kafka, logLevel } from 'kafkajs'

const [serviceUrl, bootstrapServers, caCertPath, file, count, warmup] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
]
const tokenFile = process.env.BEARER_TOKEN_FILE
if (!tokenFile) throw new Error('raw-rest.ts: set BEARER_TOKEN_FILE (bench:peers sets it)')
const token = readFileSync(tokenFile, 'utf8').trim()
const base = serviceUrl.endsWith('/') ? serviceUrl : `${serviceUrl}/`
const reserveUrl = `${base}v2/events/reserve/`
const topic = routeEventTopic(deriveInstanceName(base), 'CBC', 'gstlal')
const filename = basename(file)
const base64 = readFileSync(file).toString('base64')
const producer = new Kafka({
  clientId: 'bench-peers-raw-rest',
  brokers: bootstrapServers.split(','),
  ssl: { ca: [readFileSync(caCertPath, 'utf8')] },
  sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: token }) },
  logLevel: logLevel.NOTHING,
}).producer({ allowAutoTopicCreation: false })
await producer.connect()
const samples: number[] = []
try {
  for (let i = 0; i < Number(warmup) + Number(count); i++) {
    const t0 = performance.now()
    const reply = await fetch(reserveUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: new URLSearchParams({ group: 'CBC', pipeline: 'gstlal' }),
    })
    const body = (await reply.json()) as { graceid?: string; submitter?: string }
    if (!reply.ok || !body.graceid) throw new Error(`reservation: HTTP ${reply.status}`)
    const value = JSON.stringify({
      type: 'upload',
      gracedb_server: base,
      graceid: body.graceid,
      submitter: body.submitter ?? null,
      pipeline: 'gstlal',
      gracedb_upload: true,
      skip_supervisor: false,
      labels: null,
      eventFile: [filename, base64],
      _producer_timestamp: Date.now() / 1000,
    })
    await producer.send({ topic, acks: -1, messages: [{ key: body.graceid, value }] })
    const ms = performance.now() - t0
    if (i >= Number(warmup)) samples.push(ms)
  }
} finally {
  await producer.disconnect()
}
process.stdout.write(`${JSON.stringify({ samples })}\n`)
