import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { UsageError } from './errors.js'
import {
  connectionOptions,
  ENV,
  resolveBroker,
  resolveConnection,
  singleTopic,
  topicList,
} from './settings.js'

// Real files: a CA path that cannot be read is a usage error.
const scratch = mkdtempSync(join(tmpdir(), 'gk-settings-'))
const FLAG_PEM = join(scratch, 'flag.pem')
const ENV_PEM = join(scratch, 'env-ca.pem')
writeFileSync(FLAG_PEM, 'pem')
writeFileSync(ENV_PEM, 'pem')

describe('where settings come from', () => {
  const env = {
    [ENV.bootstrapServers]: 'env-broker:9092',
    [ENV.serviceUrl]: 'https://gracedb-env.ligo.org/api/',
    [ENV.caCertPath]: ENV_PEM,
  }

  it('flags beat environment variables', () => {
    const c = resolveConnection(
      {
        bootstrapServers: 'flag-broker:9093',
        serviceUrl: 'https://gracedb-flag.ligo.org/api/',
        caCertPath: FLAG_PEM,
      },
      env,
      [],
    )
    expect(c).toMatchObject({
      bootstrapServers: [{ host: 'flag-broker', port: 9093 }],
      serviceUrl: 'https://gracedb-flag.ligo.org/api/',
      caCertPath: FLAG_PEM,
    })
  })

  it('environment variables apply when no flag is given', () => {
    const c = resolveConnection({}, env, [])
    expect(c).toMatchObject({
      bootstrapServers: [{ host: 'env-broker', port: 9092 }],
      serviceUrl: 'https://gracedb-env.ligo.org/api/',
      caCertPath: ENV_PEM,
      useSsl: true,
      skipHostnameVerification: false,
    })
  })

  it('a kafka:// URL gives brokers and topics when neither flag nor variable names a broker', () => {
    const c = resolveConnection({ instanceName: 'gracedb-dev' }, {}, ['kafka://a:9092,b:9093/test,gstlal'])
    expect(c.bootstrapServers).toEqual([
      { host: 'a', port: 9092 },
      { host: 'b', port: 9093 },
    ])
    expect(c.urlTopics).toEqual(['test', 'gstlal'])
    expect(topicList('kafka://a:9092/test,gstlal', c.urlTopics)).toEqual(['test', 'gstlal'])
  })

  it('a kafka:// URL in --bootstrap-servers or GRACEDB_KAFKA_URL works too', () => {
    expect(
      resolveConnection({ bootstrapServers: 'kafka://h:1234/x', instanceName: 'i' }, {}, []).bootstrapServers,
    ).toEqual([{ host: 'h', port: 1234 }])
    const fromEnv = resolveConnection({ instanceName: 'i' }, { [ENV.url]: 'kafka://e:4321/y' }, [])
    expect(fromEnv).toMatchObject({ bootstrapServers: [{ host: 'e', port: 4321 }], urlTopics: ['y'] })
  })

  it('an explicit broker beats the URL broker, while the URL still names topics', () => {
    const c = resolveConnection({ bootstrapServers: 'x:1', instanceName: 'i' }, {}, ['kafka://u:2/t'])
    expect(c.bootstrapServers).toEqual([{ host: 'x', port: 1 }])
    expect(c.urlTopics).toEqual(['t'])
  })

  it('boolean variables and --no-ssl', () => {
    const c = resolveConnection(
      { ssl: false },
      { ...env, [ENV.skipHostnameVerification]: 'true', [ENV.useSsl]: '1' },
      [],
    )
    expect(c.useSsl).toBe(false)
    expect(c.skipHostnameVerification).toBe(true)
    expect(resolveConnection({}, { ...env, [ENV.useSsl]: '0' }, []).useSsl).toBe(false)
  })

  it('an --instance-name flag beats a GRACEDB_SERVICE_URL variable', () => {
    const c = resolveConnection({ instanceName: 'gracedb-test' }, env, [])
    expect(c.instanceName).toBe('gracedb-test')
    expect(c.serviceUrl).toBeUndefined()
  })

  it('no broker and no instance are usage errors that say what to set', () => {
    expect(() => resolveConnection({ instanceName: 'i' }, {}, [])).toThrow(UsageError)
    expect(() => resolveConnection({ instanceName: 'i' }, {}, [])).toThrow(/GRACEDB_KAFKA_BOOTSTRAP_SERVERS/)
    expect(() => resolveConnection({ bootstrapServers: 'b:1' }, {}, [])).toThrow(/--service-url/)
  })

  it('a malformed kafka:// URL is a usage error', () => {
    expect(() => resolveConnection({ instanceName: 'i' }, {}, ['kafka:///nohost'])).toThrow(UsageError)
  })

  it('topic lists split on commas and drop blanks', () => {
    expect(topicList('gstlal, cwb,,', [])).toEqual(['gstlal', 'cwb'])
    expect(topicList(undefined, ['t'])).toEqual(['t'])
  })

  it('one-topic commands take the explicit topic, else the URL topic, and refuse several', () => {
    expect(singleTopic('gstlal', ['ignored'], 'produce')).toBe('gstlal')
    expect(singleTopic('kafka://h:1/test', ['test'], 'produce')).toBe('test')
    expect(singleTopic(undefined, [], 'ping')).toBeUndefined()
    expect(() => singleTopic('a,b', [], 'produce')).toThrow(/produce writes to one topic, got a, b/)
  })

  it('resolveBroker says when no broker is configured at all (create-event then uses HTTP only)', () => {
    expect(resolveBroker({}, {}, []).bootstrapServers).toBeUndefined()
    expect(resolveBroker({}, { [ENV.bootstrapServers]: '' }, []).bootstrapServers).toBeUndefined()
    expect(resolveBroker({}, { [ENV.url]: 'kafka://u:1/t' }, [])).toEqual({
      bootstrapServers: [{ host: 'u', port: 1 }],
      urlTopics: ['t'],
    })
  })

  it('a malformed broker list is a usage error naming the flag or variable, never echoing user info', () => {
    expect(() => resolveBroker({ bootstrapServers: 'kafka:0' }, {}, [])).toThrow(
      /^--bootstrap-servers: .*port from 1 to 65535/,
    )
    expect(() => resolveBroker({}, { [ENV.bootstrapServers]: '::1:9092' }, [])).toThrow(
      /^GRACEDB_KAFKA_BOOTSTRAP_SERVERS: .*brackets/,
    )
    expect(() => resolveBroker({ bootstrapServers: 'u:S3cret-Pw@h:1' }, {}, [])).toThrow(UsageError)
    expect(() => resolveBroker({ bootstrapServers: 'u:S3cret-Pw@h:1' }, {}, [])).not.toThrow(/S3cret-Pw/)
  })

  it('a valid flag wins without reading the variable, as before', () => {
    expect(
      resolveBroker({ bootstrapServers: 'h:1' }, { [ENV.bootstrapServers]: 'not a broker' }, [])
        .bootstrapServers,
    ).toEqual([{ host: 'h', port: 1 }])
  })
})

describe('a CA bundle that cannot be read', () => {
  it.each([
    ['a missing file', { caCertPath: join(scratch, 'missing.pem') }, {}, '--ca-cert-path'],
    ['a directory', { caCertPath: scratch }, {}, '--ca-cert-path'],
    [
      'a missing file from the environment',
      {},
      { [ENV.caCertPath]: join(scratch, 'nope.pem') },
      ENV.caCertPath,
    ],
  ])('%s is a usage error naming where it came from', (_name, flags, env, named) => {
    expect(() =>
      resolveConnection({ bootstrapServers: 'h:1', instanceName: 'i', ...flags }, env, []),
    ).toThrow(new RegExp(`^${named}: .* is not a readable file`))
    expect(() =>
      resolveConnection({ bootstrapServers: 'h:1', instanceName: 'i', ...flags }, env, []),
    ).toThrow(UsageError)
  })
})

describe('bootstrapServers from the flag to kafkajs: parsed once', () => {
  it('the addresses the CLI parsed reach the producer, the consumer and kafkajs without being parsed again', async () => {
    const { buildKafkaConfig } = await import('@gracedb-kafka/core')
    const { parseProducerOptions } = await import('@gracedb-kafka/producer')
    const { parseConsumerOptions } = await import('@gracedb-kafka/consumer')
    const c = resolveConnection(
      { bootstrapServers: 'a.example.org:9092,[::1]:9093', instanceName: 'i' },
      {},
      [],
    )
    const producer = parseProducerOptions({ ...connectionOptions(c), useSsl: false })
    const consumer = parseConsumerOptions({ ...connectionOptions(c), useSsl: false })
    // The same objects all the way down (a re-parse would make new ones).
    expect(producer.bootstrapServers[0]).toBe(c.bootstrapServers[0])
    expect(consumer.bootstrapServers[1]).toBe(c.bootstrapServers[1])
    const config = buildKafkaConfig(producer, {
      clientId: 'x',
      oauthBearerProvider: async () => ({ value: 't' }),
    })
    expect(config.brokers).toEqual(['a.example.org:9092', '[::1]:9093'])
  })
})
