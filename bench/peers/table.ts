// The Markdown tables of a run (printed, written to bench/results/latest.md and put into the README).
import type { Measure, Ratio, Unit } from './results.js'

export function fmt(x: number | undefined, unit: Unit): string {
  if (x === undefined || !Number.isFinite(x)) return '–'
  if (unit === 'msg/s') return Math.round(x).toLocaleString('en-US')
  if (unit === 's') return x.toFixed(3)
  return x.toFixed(2)
}

export function measuresTable(measures: Measure[]): string {
  const rows = ['| measure | contender | median | min–max | rounds |', '| --- | --- | ---: | ---: | ---: |']
  for (const m of measures) {
    for (const c of m.contenders) {
      const range = c.min === undefined ? '' : `${fmt(c.min, m.unit)}–${fmt(c.max, m.unit)}`
      const failed = c.errors.length > 0 ? ` (${c.errors.length} failed)` : ''
      const med =
        c.median === undefined
          ? `failed: ${c.errors[0] ?? 'no result'}`
          : `${fmt(c.median, m.unit)} ${m.unit}`
      rows.push(`| ${m.title} | ${c.label} | ${med} | ${range} | ${c.values.length}${failed} |`)
    }
  }
  return rows.join('\n')
}

export function ratiosTable(ratios: Ratio[]): string {
  const rows = ['| ratio (ours / theirs, medians) | value | target | |', '| --- | ---: | ---: | --- |']
  for (const r of ratios) {
    const value = r.ratio === undefined ? '–' : `${r.ratio.toFixed(2)}×`
    const verdict =
      r.target === undefined ? '' : r.met === undefined ? 'no data' : r.met ? 'met' : '**not met**'
    rows.push(`| ${r.label} | ${value} | ${r.target ?? ''} | ${verdict} |`)
  }
  return rows.join('\n')
}
