import { afterEach, describe, expect, it, vi } from 'vitest'
import { defaultLogLevel, formatLogEntry, KafkaLogLevel, redactingLogCreator } from './index.js'

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl'

describe('redacting kafkajs log creator', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('formats level, namespace, message and extras on one line', () => {
    expect(
      formatLogEntry({
        namespace: 'Connection',
        level: KafkaLogLevel.ERROR,
        label: 'ERROR',
        log: { message: 'Response Metadata', broker: 'localhost:9092' },
      }),
    ).toBe('[gracedb-kafka] ERROR Connection: Response Metadata {"broker":"localhost:9092"}')
  })

  it('writes to stderr with every token redacted, in the message and in the extras', () => {
    const lines: string[] = []
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk))
      return true
    })
    const log = redactingLogCreator(KafkaLogLevel.INFO)
    log({
      namespace: 'SASLOAuthBearerAuthenticator',
      level: KafkaLogLevel.WARN,
      label: 'WARN',
      log: { message: `bad token ${TOKEN}`, authBytes: `auth=Bearer ${TOKEN}` },
    })
    expect(lines).toHaveLength(1)
    expect(lines[0]).not.toContain(TOKEN)
    expect(lines[0]).not.toContain('eyJ')
    expect(lines[0]).toBe(
      '[gracedb-kafka] WARN SASLOAuthBearerAuthenticator: bad token [REDACTED-TOKEN] {"authBytes":"auth=Bearer [REDACTED-TOKEN]"}\n',
    )
  })

  it('drops extras that cannot be serialised, keeping the message', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(
      formatLogEntry({
        namespace: '',
        level: KafkaLogLevel.INFO,
        label: 'INFO',
        log: { message: 'hi', cyclic },
      }),
    ).toBe('[gracedb-kafka] INFO hi')
  })

  it('is silent unless NODE_DEBUG=gracedb-kafka', () => {
    // vitest runs without NODE_DEBUG; kafkajs's NOTHING level is 0.
    expect(defaultLogLevel()).toBe(
      /\bgracedb-kafka\b/.test(process.env.NODE_DEBUG ?? '') ? KafkaLogLevel.INFO : KafkaLogLevel.NOTHING,
    )
  })
})
