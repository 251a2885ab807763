import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StoredEvent } from '@gracedb-kafka/testkit'
import type { Output } from '../output.js'
import { ENV } from '../settings.js'

/** The embedded local stack started by `gracedb-kafka dev` and by the demo. */
export interface LocalStack {
  bootstrapServers: string
  serviceUrl: string
  caCertPath: string
  tokenPath: string
  /** Resolves with the event once the GraceDB stand-in has stored `graceid` (group, pipeline, file, how it arrived). */
  waitForEvent(graceid: string, timeoutMs?: number): Promise<StoredEvent>
  /** `export NAME=value` lines that point the other commands at this stack. */
  exports: string[]
  stop(): Promise<void>
}

/**
 * Start the local stack: the testkit Kafka broker (SASL_SSL + OAUTHBEARER + TLS), a SciToken written to a file
 * that `BEARER_TOKEN_FILE` names (rotated every 30 minutes), and the GraceDB stand-in with its supervisor.
 *
 * @example
 * ```ts
 * const stack = await startLocalStack(out)
 * console.log(stack.exports.join('\n'))
 * await stack.stop()
 * ```
 */
export async function startLocalStack(out: Output): Promise<LocalStack> {
  // Imported lazily: only `dev` and the demo need the broker (and its JVM).
  const { startKafka, startGraceDbStandIn } = await import('@gracedb-kafka/testkit')
  const t0 = Date.now()
  out.progress('starting Kafka (KRaft, SASL_SSL + OAUTHBEARER, TLS) ...')
  const kafka = await startKafka({ partitions: 1 })
  const dir = await mkdtemp(join(tmpdir(), 'gracedb-kafka-dev-'))
  let gracedb: Awaited<ReturnType<typeof startGraceDbStandIn>> | undefined
  let rotation: { stop(): void } | undefined
  let stopped: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      rotation?.stop()
      await gracedb?.stop().catch(() => {})
      await kafka.stop()
      await rm(dir, { recursive: true, force: true })
    })()
    return stopped
  }
  try {
    out.progress(`Kafka ready on ${kafka.bootstrapServers} in ${((Date.now() - t0) / 1000).toFixed(1)}s`)
    out.progress('starting the GraceDB stand-in and its supervisor ...')
    const standIn = await startGraceDbStandIn({ kafka })
    gracedb = standIn
    // One token good for both the broker (aud = the host clients dial) and GraceDB's REST API
    // (aud = scheme://host of the service URL), as a real IGWN token for both would be.
    const claims = { aud: [kafka.issuer.audience, standIn.audience] }
    const tokenPath = join(dir, 'scitoken.jwt')
    await kafka.issuer.writeTokenFile(await kafka.issuer.mint(claims, { lifetime: 3600 }), tokenPath)
    rotation = kafka.issuer.rotate({ path: tokenPath, every: 1800, lifetime: 3600, claims })
    return {
      bootstrapServers: kafka.bootstrapServers,
      serviceUrl: standIn.serviceUrl,
      caCertPath: kafka.caCertPath,
      tokenPath,
      waitForEvent: (graceid, timeoutMs) => standIn.waitForEvent(graceid, timeoutMs),
      exports: [
        `export ${ENV.bootstrapServers}=${kafka.bootstrapServers}`,
        `export ${ENV.serviceUrl}=${standIn.serviceUrl}`,
        `export ${ENV.caCertPath}=${kafka.caCertPath}`,
        `export BEARER_TOKEN_FILE=${tokenPath}`,
      ],
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}

/** Resolve when the process receives SIGINT or SIGTERM (or `signal` aborts). */
export function untilSignal(signal?: AbortSignal): Promise<NodeJS.Signals | 'abort'> {
  return new Promise((resolve) => {
    const done = (why: NodeJS.Signals | 'abort') => {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      signal?.removeEventListener('abort', onAbort)
      resolve(why)
    }
    const onInt = () => done('SIGINT')
    const onTerm = () => done('SIGTERM')
    const onAbort = () => done('abort')
    process.once('SIGINT', onInt)
    process.once('SIGTERM', onTerm)
    if (signal?.aborted) done('abort')
    else signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * `gracedb-kafka dev`: start the local stack, print the settings as shell exports on stdout, and stay in the
 * foreground until Ctrl-C, then shut everything down.
 *
 * @example
 * ```sh
 * gracedb-kafka dev > stack.env &   # then: source stack.env; gracedb-kafka ping
 * ```
 */
export async function dev(out: Output, signal?: AbortSignal): Promise<void> {
  const stack = await startLocalStack(out)
  try {
    if (out.json) {
      out.data({
        bootstrapServers: stack.bootstrapServers,
        serviceUrl: stack.serviceUrl,
        caCertPath: stack.caCertPath,
        tokenPath: stack.tokenPath,
      })
    } else {
      for (const line of stack.exports) out.streams.stdout.write(`${line}\n`)
    }
    out.note('gracedb-kafka dev: local stack running; press Ctrl-C to stop')
    const why = await untilSignal(signal)
    out.note(`gracedb-kafka dev: ${why}, shutting down`)
  } finally {
    await stack.stop()
  }
}
