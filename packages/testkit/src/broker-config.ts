/** Ports of one broker+controller node. */
export interface NodePorts {
  plaintext: number
  saslSsl: number
  controller: number
}

/** What {@link brokerProperties} needs to render one node's server.properties. */
export interface BrokerConfigInput {
  nodeId: number
  ports: NodePorts
  /** Every node's id and controller port (the static KRaft quorum). */
  voters: { nodeId: number; controller: number }[]
  dataDir: string
  jwksPath: string
  keystorePath: string
  issuer: string
  audience: string
  partitions: number
  autoCreateTopics: boolean
  reauthMs?: number | undefined
  acls: boolean
  /** Extra `key=value` settings, applied last. */
  extra?: Record<string, string | number | boolean> | undefined
}

/**
 * Render a KRaft combined broker+controller `server.properties`: PLAINTEXT (setup, inter-broker), SASL_SSL
 * with OAUTHBEARER validated against a JWKS file, and a PLAINTEXT controller listener, all bound to 127.0.0.1
 * and advertised as `localhost`.
 *
 * @example
 * ```ts
 * await writeFile('server.properties', brokerProperties(input))
 * ```
 */
export function brokerProperties(c: BrokerConfigInput): string {
  const replication = Math.min(3, c.voters.length)
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': c.nodeId,
    'controller.quorum.voters': c.voters.map((v) => `${v.nodeId}@127.0.0.1:${v.controller}`).join(','),
    listeners: `PLAINTEXT://127.0.0.1:${c.ports.plaintext},SASL_SSL://127.0.0.1:${c.ports.saslSsl},CONTROLLER://127.0.0.1:${c.ports.controller}`,
    'advertised.listeners': `PLAINTEXT://localhost:${c.ports.plaintext},SASL_SSL://localhost:${c.ports.saslSsl}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
    'log.dirs': c.dataDir,
    'num.partitions': c.partitions,
    'default.replication.factor': replication,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': replication,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': replication,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 5,
    'share.coordinator.state.topic.replication.factor': replication,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': c.autoCreateTopics,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'log.cleaner.enable': false,
    // SASL_SSL + OAUTHBEARER with signed-JWT validation against the issuer's JWKS file.
    'sasl.enabled.mechanisms': 'OAUTHBEARER',
    'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'OAUTHBEARER',
    'listener.name.sasl_ssl.oauthbearer.sasl.jaas.config':
      'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
    'listener.name.sasl_ssl.oauthbearer.sasl.server.callback.handler.class':
      'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
    'sasl.oauthbearer.jwks.endpoint.url': `file://${c.jwksPath}`,
    'sasl.oauthbearer.expected.audience': c.audience,
    'sasl.oauthbearer.expected.issuer': c.issuer,
    'listener.name.sasl_ssl.ssl.keystore.type': 'PEM',
    'listener.name.sasl_ssl.ssl.keystore.location': c.keystorePath,
  }
  if (c.reauthMs !== undefined) props['connections.max.reauth.ms'] = c.reauthMs
  if (c.acls) {
    props['authorizer.class.name'] = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'
    props['super.users'] = 'User:ANONYMOUS'
    props['allow.everyone.if.no.acl.found'] = false
  }
  Object.assign(props, c.extra ?? {})
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`
}
