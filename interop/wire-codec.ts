// Which compression codec the record batches of a topic carry on the wire, seen by a plain kafkajs consumer in a
// fresh Node process (no GraceDB code, so no codec of ours is registered there). Each codec slot of kafkajs's
// table is replaced by a factory that refuses with the codec's name; an uncompressed batch needs no codec and is
// read. This tells a producer that really compressed from one that silently sent plain batches.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The codecs of Kafka's record batch attributes. */
export type WireCodec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

const PROBE = `
  import kafkajs from 'kafkajs'
  const { CompressionCodecs, CompressionTypes, KafkaJSNotImplemented } = kafkajs
  for (const [name, type] of Object.entries({ gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy,
      lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD })) {
    CompressionCodecs[type] = () => { throw new KafkaJSNotImplemented('wire codec: ' + name) }
  }
  const kafka = new kafkajs.Kafka({ brokers: [process.env.BROKER], logLevel: kafkajs.logLevel.NOTHING })
  const consumer = kafka.consumer({ groupId: 'wire-codec-' + Date.now() + '-' + Math.random() })
  const done = (line) => { console.log(line); process.exit(0) }
  const timer = setTimeout(() => done('no record within 30 s'), 30000)
  // A codec refusal is final. Anything else (e.g. the group coordinator still loading on a young broker) is
  // reported only when kafkajs gives up; when it restarts the consumer, keep waiting.
  consumer.on(consumer.events.CRASH, (e) => {
    let err = e.payload.error
    while (err.cause && !String(err.message).startsWith('wire codec: ')) err = err.cause
    const message = String(err.message)
    if (message.startsWith('wire codec: ') || !e.payload.restart) { clearTimeout(timer); done(message) }
  })
  await consumer.connect()
  await consumer.subscribe({ topics: [process.env.TOPIC], fromBeginning: true })
  await consumer.run({ eachMessage: async () => { clearTimeout(timer); done('wire codec: none') } })
`

/**
 * The codec of the first record batch of `topic` (read from the beginning over PLAINTEXT), or the text of what
 * went wrong instead (e.g. `no record within 30 s`).
 *
 * @example
 * ```ts
 * expect(await wireCodec(kafka.plaintextBootstrapServers, 'localhost.x')).toBe('zstd')
 * ```
 */
export function wireCodec(plaintextBootstrapServers: string, topic: string): Promise<WireCodec | string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', PROBE],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)), // resolves the repository's kafkajs
        env: { ...process.env, BROKER: plaintextBootstrapServers.split(',')[0], TOPIC: topic },
        timeout: 40_000,
      },
      (err, stdout) => {
        if (err) {
          reject(err)
          return
        }
        const line = stdout.trim()
        resolve(line.startsWith('wire codec: ') ? line.slice('wire codec: '.length) : line)
      },
    )
  })
}
