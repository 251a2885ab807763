import type { BufferedEntry } from './back-pressure.js'
import { parseStreamOptions } from './call-options.js'
import { type ConsumerMessage, decodeMessage } from './decode.js'
import { type GraceDbUpload, graceDbUploads } from './gracedb-message.js'
import { type StreamHost, streamEntries } from './stream-loop.js'

const decodeEntry = (e: BufferedEntry): ConsumerMessage => decodeMessage(e.topic, e.partition, e.message)

/**
 * The generator behind `GraceDbKafkaConsumer.stream()`. Plain messages come from one generator that decodes
 * each entry as it yields it (no generator per layer, so a busy stream costs one resolved promise per message);
 * with `gracedb: true` the decoded messages go through {@link graceDbUploads}, and `count` counts uploads.
 * Invalid options are thrown by the first `next()`, as from any generator.
 *
 * @example
 * ```ts
 * for await (const msg of streamMessages(engine.host(() => topics), { timeout: 1, count: 10 })) use(msg)
 * ```
 */
export function streamMessages(
  host: StreamHost,
  options: unknown,
): AsyncGenerator<ConsumerMessage | GraceDbUpload, void, undefined> {
  let settings: ReturnType<typeof parseStreamOptions>
  try {
    settings = parseStreamOptions(options)
  } catch (err) {
    return failing(err)
  }
  if (!settings.gracedb) return streamEntries(host, settings, decodeEntry)
  return uploads(host, settings)
}

// biome-ignore lint/correctness/useYield: throws on the first next(), like a generator that parses its options
async function* failing(err: unknown): AsyncGenerator<never, void, undefined> {
  throw err
}

async function* uploads(
  host: StreamHost,
  settings: ReturnType<typeof parseStreamOptions>,
): AsyncGenerator<GraceDbUpload, void, undefined> {
  const { count } = settings
  if (count === 0) return
  const messages = streamEntries(host, { ...settings, count: undefined }, decodeEntry)
  let yielded = 0
  for await (const event of graceDbUploads(messages, { gracedb: true, onInvalid: settings.onInvalid })) {
    yield event
    if (++yielded === count) return
  }
}
