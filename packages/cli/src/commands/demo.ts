import { GraceDbKafkaConsumer } from '@gracedb-kafka/consumer'
import { GraceDb } from '@gracedb-kafka/rest'
import type { Output } from '../output.js'
import { startLocalStack } from './dev.js'

/** A minimal LIGO_LW coinc file, enough for the stand-in to store and hand back byte for byte. */
export const SAMPLE_COINC_XML: string = `<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE LIGO_LW SYSTEM "http://ldas-sw.ligo.caltech.edu/doc/ligolwAPI/html/ligolw_dtd.txt">
<LIGO_LW>
  <Table Name="coinc_inspiral:table">
    <Column Name="end_time" Type="int_4s"/>
    <Column Name="snr" Type="real_8"/>
    <Column Name="combined_far" Type="real_8"/>
    <Stream Name="coinc_inspiral:table" Type="Local" Delimiter=",">1384789845,12.3,1.2e-10,</Stream>
  </Table>
</LIGO_LW>
`

/**
 * The project's main job on the embedded local stack (`npm start`):
 * 1. start the broker and the GraceDB stand-in; 2. create an event with createEvent over Kafka;
 * 3. consume it with GraceDbKafkaConsumer; 4. show the graceid the stand-in stored; 5. shut down.
 *
 * @example
 * ```ts
 * await demo(new Output(process, {}))
 * ```
 */
export async function demo(out: Output): Promise<void> {
  const t0 = Date.now()
  const step = (n: number, text: string) =>
    out.streams.stdout.write(`[${n}/5 +${((Date.now() - t0) / 1000).toFixed(1)}s] ${text}\n`)

  step(1, 'starting the local stack: Kafka broker (SASL_SSL + OAUTHBEARER, TLS) and the GraceDB stand-in ...')
  const stack = await startLocalStack(out)
  const previousTokenFile = process.env.BEARER_TOKEN_FILE
  try {
    process.env.BEARER_TOKEN_FILE = stack.tokenPath
    step(1, `stack up: broker ${stack.bootstrapServers}, GraceDB ${stack.serviceUrl}`)

    const client = new GraceDb(stack.serviceUrl)
    // Subscribe before publishing so the consumer sees the event even with a fresh group.
    await using consumer = new GraceDbKafkaConsumer({
      bootstrapServers: stack.bootstrapServers,
      serviceUrl: stack.serviceUrl,
      caCertPath: stack.caCertPath,
      topics: 'test',
      autoOffsetReset: 'earliest',
    })

    step(
      2,
      "createEvent('Test', 'gstlal', 'coinc.xml', { kafka: producer }): reserve a graceid, then produce ...",
    )
    await using producer = client.createKafkaProducer({
      bootstrapServers: stack.bootstrapServers,
      caCertPath: stack.caCertPath,
    })
    const response = await client.createEvent('Test', 'gstlal', 'coinc.xml', {
      filecontents: SAMPLE_COINC_XML,
      search: 'AllSky',
      kafka: producer,
    })
    const { graceid } = (await response.json()) as { graceid: string }
    step(2, `reserved and published ${graceid} to ${producer.instanceName}.test`)

    step(3, 'consuming it with GraceDbKafkaConsumer ...')
    let seen: { topic: string; offset: number } | undefined
    for await (const message of consumer.stream({ timeout: 1, count: 50 })) {
      const value = message.value as { graceid?: unknown } | null
      if (value !== null && typeof value === 'object' && value.graceid === graceid) {
        seen = message
        break
      }
    }
    if (seen === undefined) throw new Error(`the consumer did not receive ${graceid}`)
    step(3, `received ${graceid} from ${seen.topic} at offset ${seen.offset}`)

    step(4, 'waiting for the supervisor to complete the reserved upload ...')
    const stored = await stack.waitForEvent(graceid, 30_000)
    const identical = Buffer.from(stored.contents).equals(Buffer.from(SAMPLE_COINC_XML))
    if (!identical) throw new Error(`GraceDB stored ${graceid} but its file differs from what was sent`)
    step(
      4,
      `GraceDB stored ${stored.graceid} (group ${stored.group}, pipeline ${stored.pipeline}, arrived via ${stored.via}, ` +
        `${stored.filename}: ${stored.contents.byteLength} bytes, identical to the file sent)`,
    )
  } finally {
    if (previousTokenFile === undefined) delete process.env.BEARER_TOKEN_FILE
    else process.env.BEARER_TOKEN_FILE = previousTokenFile
    step(5, 'shutting everything down ...')
    await stack.stop()
    step(5, `done in ${((Date.now() - t0) / 1000).toFixed(1)}s`)
  }
}
