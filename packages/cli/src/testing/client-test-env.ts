import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGraceDbStandIn } from '@gracedb-kafka/testkit'
import { type SharedKafka, sharedKafka } from '@gracedb-kafka/testkit/vitest'

/** The shared broker, a GraceDB stand-in, a token, and the environment a spawned client needs to use them. */
export interface ClientTestEnv {
  kafka: SharedKafka
  gracedb: Awaited<ReturnType<typeof startGraceDbStandIn>>
  /** A temporary directory (also the empty `XDG_RUNTIME_DIR`), removed by `stop()`. */
  dir: string
  /** The token `BEARER_TOKEN_FILE` holds: good for the broker and for GraceDB's REST API. */
  token: string
  /** Only what a client needs: no stray SCITOKEN/BEARER_TOKEN from the machine, an empty XDG dir. */
  env: NodeJS.ProcessEnv
  stop(): Promise<void>
}

/** Set up a {@link ClientTestEnv} on the run's shared broker (tests only). */
export async function startClientTestEnv(prefix: string): Promise<ClientTestEnv> {
  const kafka = await sharedKafka()
  const gracedb = await startGraceDbStandIn({ kafka })
  const dir = await mkdtemp(join(tmpdir(), `gracedb-kafka-${prefix}-`))
  const token = await kafka.issuer.mint({ aud: [kafka.issuer.audience, gracedb.audience] })
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_RUNTIME_DIR: dir,
    BEARER_TOKEN_FILE: await kafka.issuer.writeTokenFile(token, join(dir, 'token')),
    GRACEDB_KAFKA_BOOTSTRAP_SERVERS: kafka.bootstrapServers,
    GRACEDB_SERVICE_URL: gracedb.serviceUrl,
    GRACEDB_KAFKA_CA_CERT_PATH: kafka.caCertPath,
  }
  return {
    kafka,
    gracedb,
    dir,
    token,
    env,
    async stop() {
      await gracedb.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
