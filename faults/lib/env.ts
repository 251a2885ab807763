// Shared set-up of the fault scenarios: a token file, and memory readings.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KafkaTestCluster } from '@gracedb-kafka/testkit'
import { mb } from './figures.js'

/**
 * Point token discovery (`BEARER_TOKEN_FILE`) at a fresh long-lived token for `kafka`; returns an undo that
 * restores the environment and removes the file.
 */
export async function useTokenFile(kafka: KafkaTestCluster): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'faults-token-'))
  const saved = process.env.BEARER_TOKEN_FILE
  process.env.BEARER_TOKEN_FILE = await kafka.issuer.writeTokenFile(
    await kafka.issuer.mint({}, { lifetime: 3600 }),
    join(dir, 'token'),
  )
  return () => {
    if (saved === undefined) delete process.env.BEARER_TOKEN_FILE
    else process.env.BEARER_TOKEN_FILE = saved
    rmSync(dir, { recursive: true, force: true })
  }
}

/** This process's RSS and every running broker's RSS, in MB. */
export function memory(kafka: KafkaTestCluster): { nodeMb: number | '?'; brokersMb: (number | '?')[] } {
  return {
    nodeMb: mb(process.memoryUsage().rss),
    brokersMb: Array.from({ length: kafka.size }, (_, i) => mb(kafka.rssBytes(i))),
  }
}

/** Milliseconds since `t0`, in seconds with one decimal. */
export const secondsSince = (t0: number): number => Math.round((Date.now() - t0) / 100) / 10
