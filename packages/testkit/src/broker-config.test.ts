import { describe, expect, it } from 'vitest'
import { toAclEntries } from './acl.js'
import { brokerProperties } from './broker-config.js'

const base = {
  nodeId: 1,
  ports: { plaintext: 9092, saslSsl: 9093, controller: 9094 },
  voters: [{ nodeId: 1, controller: 9094 }],
  dataDir: '/d',
  jwksPath: '/k/jwks.json',
  keystorePath: '/k/keystore.pem',
  issuer: 'https://iss',
  audience: 'localhost',
  partitions: 3,
  autoCreateTopics: true,
  acls: false,
}

function parse(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  )
}

describe('brokerProperties', () => {
  it('configures SASL_SSL/OAUTHBEARER validation against the JWKS file, audience and issuer', () => {
    const p = parse(brokerProperties(base))
    expect(p['listener.name.sasl_ssl.oauthbearer.sasl.server.callback.handler.class']).toBe(
      'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
    )
    expect(p['sasl.oauthbearer.jwks.endpoint.url']).toBe('file:///k/jwks.json')
    expect(p['sasl.oauthbearer.expected.audience']).toBe('localhost')
    expect(p['sasl.oauthbearer.expected.issuer']).toBe('https://iss')
    expect(p['advertised.listeners']).toBe('PLAINTEXT://localhost:9092,SASL_SSL://localhost:9093')
    expect(p['num.partitions']).toBe('3')
    expect(p['authorizer.class.name']).toBeUndefined()
    expect(p['connections.max.reauth.ms']).toBeUndefined()
  })

  it('adds reauth, the StandardAuthorizer and a 3-voter quorum when asked', () => {
    const p = parse(
      brokerProperties({
        ...base,
        reauthMs: 5000,
        acls: true,
        voters: [1, 2, 3].map((nodeId) => ({ nodeId, controller: 9000 + nodeId })),
      }),
    )
    expect(p['connections.max.reauth.ms']).toBe('5000')
    expect(p['authorizer.class.name']).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer')
    expect(p['super.users']).toBe('User:ANONYMOUS')
    expect(p['controller.quorum.voters']).toBe('1@127.0.0.1:9001,2@127.0.0.1:9002,3@127.0.0.1:9003')
    expect(p['default.replication.factor']).toBe('3')
  })
})

describe('toAclEntries', () => {
  it('expands one rule per operation with the User:<sub> principal', () => {
    const entries = toAclEntries([
      { subject: 'alice', name: 'alerts.', prefixed: true, operations: ['read', 'write'] },
    ])
    expect(entries).toHaveLength(2)
    expect(entries[0]).toMatchObject({ principal: 'User:alice', resourceName: 'alerts.', host: '*' })
    expect(toAclEntries([{ subject: 'x', resource: 'cluster', operations: ['all'] }])[0]?.resourceName).toBe(
      'kafka-cluster',
    )
  })
})
