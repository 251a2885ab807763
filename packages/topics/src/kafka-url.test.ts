import { describe, expect, it } from 'vitest'
import { formatBrokerAddress } from './broker-address.js'
import { parseKafkaUrl } from './kafka-url.js'
import { thrown } from './testing/thrown.js'

describe('parseKafkaUrl', () => {
  it.each([
    ['kafka://hostname:9092/topic', { brokers: ['hostname:9092'], topics: ['topic'] }],
    ['kafka://hostname/topic1,topic2', { brokers: ['hostname:9092'], topics: ['topic1', 'topic2'] }],
    [
      'kafka://alice@kafka-1.example.org,kafka-2.example.org:9093/gracedb-dev.gstlal,gracedb-dev.cwb',
      {
        username: 'alice',
        brokers: ['kafka-1.example.org:9092', 'kafka-2.example.org:9093'],
        topics: ['gracedb-dev.gstlal', 'gracedb-dev.cwb'],
      },
    ],
    ['kafka://localhost', { brokers: ['localhost:9092'], topics: [] }],
    ['kafka://localhost/', { brokers: ['localhost:9092'], topics: [] }],
    ['  KAFKA://Broker_1:1/x  ', { brokers: ['Broker_1:1'], topics: ['x'] }],
    ['kafka://[::1]:9093,[fe80::1]/t', { brokers: ['[::1]:9093', '[fe80::1]:9092'], topics: ['t'] }],
    [
      'kafka://user@example.org@10.0.0.1:65535',
      { username: 'user@example.org', brokers: ['10.0.0.1:65535'], topics: [] },
    ],
  ])('parses %j', (url, expected) => {
    const parsed = parseKafkaUrl(url)
    expect({ ...parsed, brokers: parsed.brokers.map(formatBrokerAddress) }).toEqual(expected)
  })

  it('omits username when none is given', () => {
    expect('username' in parseKafkaUrl('kafka://h/t')).toBe(false)
  })

  it.each([
    ['https://host/topic', /unsupported scheme "https"/],
    ['host:9092/topic', /expected "kafka:\/\//],
    ['://host/topic', /missing scheme/],
    ['kafka://', /missing host/],
    ['kafka:///topic', /missing host/],
    ['kafka://alice@/topic', /missing host/],
    ['kafka://:9092/topic', /missing host/],
    ['kafka://a,,b/topic', /broker 2 "": missing host/],
    ['kafka://host:/t', /bad port ""/],
    ['kafka://host:abc/t', /bad port "abc"/],
    ['kafka://host:0/t', /bad port "0"/],
    ['kafka://host:65536/t', /bad port "65536"/],
    ['kafka://host:-1/t', /bad port "-1"/],
    ['kafka://a:1,b:x/t', /broker 2 "b:x": bad port "x"/],
    ['kafka://::1/t', /IPv6 addresses must be written in brackets/],
    ['kafka://[::1/t', /missing "]"/],
    ['kafka://[::1]x/t', /unexpected "x" after "]"/],
    ['kafka://[zz]/t', /"zz" is not an IPv6 address/],
    ['kafka://ho st/t', /host "ho st" contains " "/],
    ['kafka://@host/t', /empty user name/],
    ['kafka://host/t?x=1', /no query or fragment/],
    ['kafka://host/t#frag', /no query or fragment/],
    ['kafka://host/a,,b', /a topic in the list is empty/],
    ['kafka://host/a,', /a topic in the list is empty/],
    ['kafka://host/a/b', /topic "a\/b" contains "\/"/],
    ['kafka://host/..', /topic "\.\." is not allowed by Kafka/],
    [`kafka://host/${'t'.repeat(250)}`, /250 characters long/],
  ])('rejects %j, naming the URL', (url, message) => {
    const err = thrown(() => parseKafkaUrl(url))
    expect(err.code).toBe('ERR_GRACEDB_KAFKA_TOPIC')
    expect(err.input).toBe(url.trim())
    expect(err.message).toContain(`Invalid Kafka URL ${JSON.stringify(url.trim())}`)
    expect(err.message).toMatch(message)
  })

  it('refuses a password and never repeats it', () => {
    const err = thrown(() => parseKafkaUrl('kafka://alice:s3cret-pw@host/t'))
    expect(err.message).toMatch(/a password does not belong/)
    expect(err.message).toContain('kafka://alice:***@host/t')
    expect(err.input).toBe('kafka://alice:***@host/t')
    expect(JSON.stringify(err) + err.message + String(err.stack)).not.toContain('s3cret-pw')
  })
})
