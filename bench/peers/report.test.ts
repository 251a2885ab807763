// Unit tests of the harness's pure parts (no broker): statistics, ratios against targets, tables, the chart,
// the flags. Run with: npx vitest run --config bench/peers/vitest.config.ts
import { describe, expect, it } from 'vitest'
import { parsePeersArgs } from './args.js'
import { median, Recorder, ratio, summarize } from './results.js'
import { chartSvg } from './svg.js'
import { measuresTable, ratiosTable } from './table.js'
import { rotate } from './throughput-parts.js'

function sample(): Recorder {
  const rec = new Recorder()
  const p = rec.measure('producer-1p', 'producer, 1 partition', 'msg/s', true)
  for (const v of [30_000, 10_000, 20_000]) rec.add(p, 'ours-zstd', 'ours, defaults (zstd)', v)
  for (const v of [25_000, 20_000, 15_000]) rec.add(p, 'python-zstd', 'Python reference, defaults (zstd)', v)
  rec.fail(p, 'java', 'Java ProducerPerformance', new Error('login failed | line two\nline three'))
  const l = rec.measure('latency-p99', 'end-to-end p99', 'ms', false)
  rec.add(l, 'ours', 'ours', 8)
  rec.add(l, 'python', 'Python reference', 10)
  summarize(rec.measures)
  return rec
}

describe('bench:peers report', () => {
  it('medians of odd and even samples; undefined when empty', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBeUndefined()
  })

  it('summarizes median and min–max per contender; a failed contender keeps its error, no figures', () => {
    const [p] = sample().measures
    expect(p?.contenders[0]).toMatchObject({ median: 20_000, min: 10_000, max: 30_000 })
    expect(p?.contenders[2]?.values).toEqual([])
    expect(p?.contenders[2]?.median).toBeUndefined()
    expect(p?.contenders[2]?.errors[0]).toBe('login failed / line two / line three')
  })

  it('ratios of medians against a target: met, not met, and no data when a side failed', () => {
    const ms = sample().measures
    expect(ratio(ms, 'x', 'producer-1p', 'ours-zstd', 'python-zstd', '>= 1.0')).toMatchObject({
      ratio: 1,
      met: true,
    })
    expect(ratio(ms, 'x', 'latency-p99', 'ours', 'python', '<= 0.6')).toMatchObject({
      ratio: 0.8,
      met: false,
    })
    const missing = ratio(ms, 'x', 'producer-1p', 'ours-zstd', 'java', '>= 1.0')
    expect(missing.ratio).toBeUndefined()
    expect(ratiosTable([missing])).toContain('no data')
  })

  it('a ratio just under the target is not rounded up to meet it', () => {
    const rec = new Recorder()
    const m = rec.measure('c', 'c', 'msg/s', true)
    rec.add(m, 'a', 'a', 0.996)
    rec.add(m, 'b', 'b', 1)
    summarize(rec.measures)
    expect(ratio(rec.measures, 'x', 'c', 'a', 'b', '>= 1.0').met).toBe(false)
  })

  it('tables show figures with units and the failure reason without breaking the Markdown row', () => {
    const table = measuresTable(sample().measures)
    expect(table).toContain(
      '| producer, 1 partition | ours, defaults (zstd) | 20,000 msg/s | 10,000–30,000 | 3 |',
    )
    const failed = table.split('\n').find((l) => l.includes('Java'))
    expect(failed?.split('|').length).toBe(7)
    expect(failed).toContain('failed: login failed')
  })

  it('draws an SVG with one bar per contender that has figures, and the subtitle', () => {
    const svg = chartSvg(sample().measures, 'a run on 2 cores')
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg.match(/<rect x=/g)?.length).toBeGreaterThanOrEqual(4) // bars + legend swatches
    expect(svg).toContain('a run on 2 cores')
    expect(svg).toContain('n/a') // the failed Java contender
    expect(svg.trim().endsWith('</svg>')).toBe(true)
  })

  it('rotates the contender order by one per round', () => {
    expect(rotate(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c'])
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a'])
    expect(rotate(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a'])
  })

  it('parses flags, with defaults, and refuses unknown parts and bad numbers', () => {
    const d = parsePeersArgs([])
    expect(d).toMatchObject({
      rounds: 3,
      messages: 100_000,
      latencyMessages: 2000,
      calls: 300,
      readme: false,
    })
    expect(d.only.size).toBe(5)
    const a = parsePeersArgs(['--rounds', '5', '--only', 'producer,help', '--messages', '5000'])
    expect([...a.only]).toEqual(['producer', 'help'])
    expect(a.rounds).toBe(5)
    expect(() => parsePeersArgs(['--only', 'nope'])).toThrow(/not one of/)
    expect(() => parsePeersArgs(['--rounds', '0'])).toThrow(/positive integer/)
  })
})
