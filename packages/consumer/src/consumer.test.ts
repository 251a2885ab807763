import { ClientClosedError, InvalidOptionError, KafkaConsumerError } from '@gracedb-kafka/core'
import { describe, expect, it } from 'vitest'
import { GraceDbKafkaConsumer } from './consumer.js'

// No broker here: these check what happens before any network traffic (integration tests cover the rest).
const base = { bootstrapServers: 'localhost:1', instanceName: 'gracedb-dev' }

describe('GraceDbKafkaConsumer (no broker needed)', () => {
  it('derives the instance name and namespaces constructor topics', () => {
    const c = new GraceDbKafkaConsumer({
      bootstrapServers: 'localhost:1',
      serviceUrl: 'https://gracedb-dev.ligo.org/api/',
      topics: ['gstlal', 'test'],
    })
    expect(c.instanceName).toBe('gracedb-dev')
    expect(c.subscription).toEqual(['gracedb-dev.gstlal', 'gracedb-dev.test'])
    expect(c.groupId).toMatch(/^gracedb-client-[0-9a-f]{8}$/)
    expect(c.autoOffsetReset).toBe('latest')
    expect(c.autoCommit).toBe(true)
  })
  it('keeps a stable group id and the manual-commit setting', () => {
    const c = new GraceDbKafkaConsumer({
      ...base,
      groupId: 'my-pipeline',
      kafkaConfig: { 'enable.auto.commit': false },
    })
    expect(c.groupId).toBe('my-pipeline')
    expect(c.autoCommit).toBe(false)
  })
  it('throws InvalidOptionError from the constructor, never a token error', () => {
    expect(() => new GraceDbKafkaConsumer({ bootstrapServers: 'localhost:1' })).toThrow(InvalidOptionError)
    // no token anywhere: the constructor still succeeds (discovery happens on first use)
    expect(
      () => new GraceDbKafkaConsumer({ ...base, reloadCred: true }) && new GraceDbKafkaConsumer({ ...base }),
    ).not.toThrow()
  })
  it('poll() without a subscription rejects with KafkaConsumerError', async () => {
    const c = new GraceDbKafkaConsumer(base)
    await expect(c.poll({ timeout: 0 })).rejects.toMatchObject({ code: 'ERR_KAFKA_CONSUMER_NOT_SUBSCRIBED' })
    await expect(c.poll({ timeout: 0 })).rejects.toBeInstanceOf(KafkaConsumerError)
  })
  it('close() is idempotent, await using works, and a closed consumer refuses work', async () => {
    const c = new GraceDbKafkaConsumer(base)
    await expect(Promise.all([c.close(), c.close()])).resolves.toEqual([undefined, undefined])
    await expect(c.close()).resolves.toBeUndefined()
    await expect(c.poll()).rejects.toBeInstanceOf(ClientClosedError)
    await expect(c.poll()).rejects.toMatchObject({ code: 'ERR_CLIENT_CLOSED', client: 'consumer' })
    await expect(c.subscribe('test')).rejects.toBeInstanceOf(ClientClosedError)
    await expect(c.commit()).rejects.toMatchObject({ code: 'ERR_CLIENT_CLOSED', client: 'consumer' })
    await expect(c.stream().next()).rejects.toBeInstanceOf(ClientClosedError)
    let escaped: GraceDbKafkaConsumer | undefined
    {
      await using d = new GraceDbKafkaConsumer(base)
      escaped = d
      expect(d.groupId).toBeTypeOf('string')
    }
    // the scope's end closed it
    await expect(escaped.poll()).rejects.toMatchObject({ code: 'ERR_CLIENT_CLOSED', client: 'consumer' })
  })
  it('stream() with an already-aborted signal ends at once and leaves signal handlers as they were', async () => {
    const before = process.listeners('SIGINT').length
    const c = new GraceDbKafkaConsumer({ ...base, topics: 'test' })
    const seen: unknown[] = []
    for await (const m of c.stream({ signal: AbortSignal.abort() })) seen.push(m)
    expect(seen).toEqual([])
    expect(process.listeners('SIGINT').length).toBe(before)
    await c.close()
  })
  it('accepts any negative timeout (wait without limit) and rejects NaN naming it', async () => {
    const c = new GraceDbKafkaConsumer(base)
    // not an InvalidOptionError: the timeout is valid, the consumer is just not subscribed
    await expect(c.poll({ timeout: -5 })).rejects.toMatchObject({ code: 'ERR_KAFKA_CONSUMER_NOT_SUBSCRIBED' })
    await expect(c.poll({ timeout: -1 })).rejects.toMatchObject({ code: 'ERR_KAFKA_CONSUMER_NOT_SUBSCRIBED' })
    await expect(c.poll({ timeout: Number.NaN })).rejects.toBeInstanceOf(InvalidOptionError)
    await c.close()
  })
  it('rejects a bad count or timeout naming it', async () => {
    const c = new GraceDbKafkaConsumer({ ...base, topics: 'test' })
    await expect(c.stream({ count: -1 }).next()).rejects.toMatchObject({ option: 'count' })
    await expect(c.poll({ timeout: Number.NaN })).rejects.toMatchObject({ option: 'timeout' })
    await c.close()
  })

  it.each([
    ['a pipeline name with a space', { ...base, topics: 'gst lal' }, 'topics'],
    ['a 250-character pipeline name', { ...base, topics: 'x'.repeat(250) }, 'topics'],
    ['an instance name with a dot', { ...base, instanceName: 'gracedb.dev' }, 'instanceName'],
    ['an empty topic list', { ...base, topics: [] }, 'topics'],
    [
      'an IPv6 service URL',
      { bootstrapServers: 'localhost:1', serviceUrl: 'https://[::1]/api/' },
      'serviceUrl',
    ],
    [
      'a service URL without a host',
      { bootstrapServers: 'localhost:1', serviceUrl: 'https:///api/' },
      'serviceUrl',
    ],
    ['a commit timeout of 0', { ...base, commitTimeout: 0 }, 'commitTimeout'],
  ])(
    'refuses %s at construction with InvalidOptionError naming it, as the producer does',
    (_, options, option) => {
      let err: unknown
      try {
        new GraceDbKafkaConsumer(options as ConstructorParameters<typeof GraceDbKafkaConsumer>[0])
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(InvalidOptionError)
      expect(err).toMatchObject({ option })
    },
  )
  it('refuses bad poll()/stream()/commit()/subscribe() arguments before any network call', async () => {
    const c = new GraceDbKafkaConsumer({ ...base, topics: 'test' })
    const bad = [
      () => c.poll(null as never),
      () => c.stream(null as never).next(),
      () => c.stream({ signal: 'stop' } as never).next(),
      () => c.commit(null as never),
      () => c.subscribe(['gst lal']),
      () => c.subscribe([]),
    ]
    for (const call of bad) await expect(call()).rejects.toBeInstanceOf(InvalidOptionError)
    await c.close()
  })
})
