// Writing a run: bench/results/peers-<date>.json and latest.json (set-up, every round's value, medians,
// ratios), latest.svg (the chart), latest.md (the tables), and with --readme the README's performance table.
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Measure, Ratio } from './results.js'
import { chartSvg } from './svg.js'
import { measuresTable, ratiosTable } from './table.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const RESULTS = join(ROOT, 'bench', 'results')
export const README_START = '<!-- bench:peers:start -->'
export const README_END = '<!-- bench:peers:end -->'

export interface RunRecord {
  date: string
  setup: Record<string, unknown>
  measures: Measure[]
  ratios: Ratio[]
}

export function subtitle(run: RunRecord): string {
  const s = run.setup as {
    machine: { cpus: number; cpuModel: string }
    node: string
    kafka: string
    rounds: number
    python?: string
    librdkafka?: string
  }
  const py = s.python ? `, Python ${s.python} + librdkafka ${s.librdkafka ?? '?'}` : ''
  return `${run.date.slice(0, 16).replace('T', ' ')} UTC, ${s.machine.cpus} × ${s.machine.cpuModel}, Node ${s.node}${py}, Kafka ${s.kafka} (SASL_SSL + OAUTHBEARER, TLS), ${s.rounds} rotated rounds`
}

export function markdown(run: RunRecord): string {
  const s = run.setup as { brokerJvm?: string; brokerWarmUp?: string }
  const broker = s.brokerJvm
    ? [
        `Broker JVM: ${s.brokerJvm}.${s.brokerWarmUp ? ` Broker warm-up before timing: ${s.brokerWarmUp}.` : ''}`,
        '',
      ]
    : []
  return [
    `Run of ${subtitle(run)}.`,
    '',
    ...broker,
    measuresTable(run.measures),
    '',
    ratiosTable(run.ratios),
    '',
  ].join('\n')
}

/** The last run written (bench/results/latest.json). */
export function readLatest(): RunRecord {
  return JSON.parse(readFileSync(join(RESULTS, 'latest.json'), 'utf8')) as RunRecord
}

/** Write the run's JSON files (unless `jsonToo` is false), chart, tables and optionally the README block. */
export async function writeRun(run: RunRecord, updateReadme: boolean, jsonToo = true): Promise<string[]> {
  await mkdir(RESULTS, { recursive: true })
  const json = `${JSON.stringify(run, null, 2)}\n`
  const dated = join(RESULTS, `peers-${run.date.slice(0, 10)}.json`)
  const files = [join(RESULTS, 'latest.svg'), join(RESULTS, 'latest.md')]
  if (jsonToo) {
    writeFileSync(dated, json)
    writeFileSync(join(RESULTS, 'latest.json'), json)
    files.unshift(dated, join(RESULTS, 'latest.json'))
  }
  writeFileSync(join(RESULTS, 'latest.svg'), chartSvg(run.measures, subtitle(run)))
  writeFileSync(join(RESULTS, 'latest.md'), `# bench:peers, latest run\n\n${markdown(run)}`)
  if (updateReadme) {
    const path = join(ROOT, 'README.md')
    const readme = readFileSync(path, 'utf8')
    const a = readme.indexOf(README_START)
    const b = readme.indexOf(README_END)
    if (a < 0 || b < a) throw new Error(`README.md has no ${README_START} … ${README_END} block`)
    writeFileSync(path, `${readme.slice(0, a + README_START.length)}\n${markdown(run)}${readme.slice(b)}`)
    files.push(path)
  }
  return files
}
