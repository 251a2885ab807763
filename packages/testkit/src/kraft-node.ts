import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { withAdmin } from './admin.js'
import type { NodePorts } from './broker-config.js'
import { javaBin } from './java.js'
import type { JvmProcess } from './jvm-process.js'
import { tail } from './jvm-process.js'

// One KRaft broker+controller node: its storage format, its JVM options and its readiness check.

/** One node of a test cluster (node id = index + 1). */
export interface Node {
  nodeId: number
  ports: NodePorts
  propertiesPath: string
  logPath: string
  jvm?: JvmProcess | undefined
}

/** JVM options of every node: small heap, serial GC, quick start. */
export const DEFAULT_JVM: readonly string[] = [
  '-Xms64m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
]

/** A random KRaft cluster id (base64url, not starting with `-`). */
export function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

/** Format a node's KRaft storage (`kafka-storage format`); output is appended to its log. */
export function formatStorage(
  classpath: string,
  jvm: string[],
  props: string,
  id: string,
  logFile: string,
): Promise<void> {
  const args = [...jvm, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', id, '-c', props]
  return new Promise((resolve, reject) => {
    execFile(
      javaBin(),
      [...args, '--ignore-formatted'],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        void writeFile(logFile, `${stdout}${stderr}`, { flag: 'a' }).catch(() => {})
        if (err)
          reject(
            new Error(`testkit: formatting the KRaft storage failed: ${err.message}\n${stderr.slice(-4000)}`),
          )
        else resolve()
      },
    )
  })
}

/** Resolves when the node's PLAINTEXT admin lists topics and sees the node in the cluster; rejects if the JVM exits. */
export async function waitReady(node: Node, nodeCount: number, deadline: number): Promise<void> {
  const jvm = node.jvm!
  let exited = false
  void jvm.exited.then(() => {
    exited = true
  })
  let lastError = ''
  while (!exited) {
    if (Date.now() > deadline) {
      throw new Error(
        `testkit: Kafka node ${node.nodeId} not ready in time (${lastError}). Broker log tail:\n${tail(node.logPath)}`,
      )
    }
    try {
      const seen = await withAdmin([`localhost:${node.ports.plaintext}`], async (admin) => {
        await admin.listTopics()
        return (await admin.describeCluster()).brokers
      })
      if (seen.some((b) => b.nodeId === node.nodeId) && seen.length >= nodeCount) return
      lastError = `cluster sees ${seen.length}/${nodeCount} brokers`
    } catch (err) {
      lastError = (err as Error).message
    }
    await sleep(250)
  }
  throw new Error(
    `testkit: Kafka node ${node.nodeId} exited during start (status ${await jvm.exited}). Broker log tail:\n${tail(node.logPath)}`,
  )
}
