// A hand-written SVG chart of a run (bench/results/latest.svg): grouped bars of throughput per contender with
// min–max whiskers, and panels of latency percentiles and --help wall time. Plain SVG 1.1 with inline styles,
// so GitHub renders it as an image.
import type { Measure } from './results.js'
import { fmt } from './table.js'

const COLORS: Record<string, string> = {
  ours: '#1f6feb',
  'ours-zstd': '#1f6feb',
  'ours-zstd3': '#388bfd',
  'ours-none': '#79c0ff',
  'ours-built': '#1f6feb',
  'ours-shim': '#79c0ff',
  python: '#d29922',
  'python-zstd': '#d29922',
  'python-none': '#f2cc60',
  kafkajs: '#8b949e',
  raw: '#8b949e',
  'python-none-idem': '#9a6700',
  java: '#a371f7',
  'java-1m': '#d2a8ff',
}
const color = (id: string): string => COLORS[id] ?? '#57606a'
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

interface Panel {
  title: string
  unit: string
  groups: Measure[]
}

const WIDTH = 960
const PANEL_H = 320

/** The smallest of 1, 2, 2.5, 5 (times a power of ten) at or above `x`: round axis ticks. */
function niceMax(x: number): number {
  const base = 10 ** Math.floor(Math.log10(x))
  return ([1, 2, 2.5, 5, 10].find((k) => k * base >= x) ?? 10) * base
}

function panel(p: Panel, top: number): string[] {
  const left = 70
  const plotW = WIDTH - left - 20
  const plotTop = top + 40
  const plotH = PANEL_H - 140
  const max = niceMax(Math.max(1e-9, ...p.groups.flatMap((g) => g.contenders.map((c) => c.max ?? 0))))
  const out = [
    `<text x="${left}" y="${top + 22}" font-size="15" font-weight="bold">${esc(p.title)}</text>`,
    `<line x1="${left}" y1="${plotTop + plotH}" x2="${left + plotW}" y2="${plotTop + plotH}" stroke="#57606a"/>`,
  ]
  for (let i = 0; i <= 4; i++) {
    const y = plotTop + plotH - (plotH * i) / 4
    const v = (max * i) / 4
    out.push(
      `<line x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="#d0d7de" stroke-dasharray="3,3"/>`,
      `<text x="${left - 6}" y="${y + 4}" font-size="11" text-anchor="end">${esc(fmt(v, p.unit as 'ms'))}</text>`,
    )
  }
  out.push(
    `<text x="14" y="${plotTop + plotH / 2}" font-size="11" transform="rotate(-90 14 ${plotTop + plotH / 2})" text-anchor="middle">${esc(p.unit)}</text>`,
  )
  const groupW = plotW / Math.max(1, p.groups.length)
  p.groups.forEach((g, gi) => {
    const bars = g.contenders
    const barW = Math.min(42, (groupW - 24) / Math.max(1, bars.length))
    const x0 = left + gi * groupW + (groupW - barW * bars.length) / 2
    bars.forEach((c, bi) => {
      const x = x0 + bi * barW
      if (c.median === undefined) {
        out.push(
          `<text x="${x + barW / 2}" y="${plotTop + plotH - 4}" font-size="10" text-anchor="middle">n/a</text>`,
        )
        return
      }
      const h = (plotH * c.median) / max
      const y = plotTop + plotH - h
      out.push(
        `<rect x="${x + 2}" y="${y}" width="${barW - 4}" height="${h}" fill="${color(c.id)}"><title>${esc(`${c.label}: ${fmt(c.median, g.unit)} ${g.unit}`)}</title></rect>`,
      )
      if (c.min !== undefined && c.max !== undefined && c.max > c.min) {
        const y1 = plotTop + plotH - (plotH * c.max) / max
        const y2 = plotTop + plotH - (plotH * c.min) / max
        const cx = x + barW / 2
        out.push(
          `<path d="M${cx} ${y1}V${y2}M${cx - 4} ${y1}H${cx + 4}M${cx - 4} ${y2}H${cx + 4}" stroke="#24292f" fill="none"/>`,
        )
      }
      out.push(
        `<text x="${x + barW / 2}" y="${y - 4}" font-size="9" text-anchor="middle">${esc(fmt(c.median, g.unit))}</text>`,
      )
    })
    // the group's title, one line per comma-separated piece
    const cx = left + gi * groupW + groupW / 2
    g.title.split(/,\s*/).forEach((line, li) => {
      out.push(
        `<text x="${cx}" y="${plotTop + plotH + 15 + li * 13}" font-size="11" text-anchor="middle">${esc(line)}</text>`,
      )
    })
  })
  // legend: every contender of the panel, once
  const seen = new Map<string, string>()
  for (const g of p.groups) for (const c of g.contenders) if (!seen.has(c.id)) seen.set(c.id, c.label)
  let lx = left
  let ly = plotTop + plotH + 60
  for (const [id, label] of seen) {
    const w = 22 + label.length * 6.2
    if (lx + w > WIDTH - 10) {
      lx = left
      ly += 16
    }
    out.push(
      `<rect x="${lx}" y="${ly - 9}" width="12" height="10" fill="${color(id)}"/>`,
      `<text x="${lx + 16}" y="${ly}" font-size="11">${esc(label)}</text>`,
    )
    lx += w
  }
  return out
}

const CHART_TITLE = "gracedb-kafka vs the Python reference, raw kafkajs and Kafka's Java tools"

/** The chart of a run's measures; `subtitle` names the date, machine and set-up. */
export function chartSvg(measures: Measure[], subtitle: string): string {
  const pick = (unit: string, ids: RegExp) => measures.filter((m) => m.unit === unit && ids.test(m.id))
  const panels: Panel[] = [
    {
      title:
        'Producer throughput, 1 KiB JSON, guaranteed delivery (median of rounds, min–max; higher is better)',
      unit: 'msg/s',
      groups: pick('msg/s', /^producer/),
    },
    {
      title:
        'Consumer throughput, 1 KiB JSON, pre-produced topic (median of rounds, min–max; higher is better)',
      unit: 'msg/s',
      groups: pick('msg/s', /^consumer/),
    },
    {
      title: 'Latency percentiles (median of rounds, min–max; lower is better)',
      unit: 'ms',
      groups: pick('ms', /./),
    },
    { title: '--help wall time (lower is better)', unit: 's', groups: pick('s', /./) },
  ].filter((p) => p.groups.length > 0)
  const height = 50 + panels.length * PANEL_H
  const body = panels.flatMap((p, i) => panel(p, 40 + i * PANEL_H))
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" fill="#24292f" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">${esc(`${CHART_TITLE}: ${subtitle}`)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="17" font-weight="bold">${esc(CHART_TITLE)}</text>`,
    `<text x="16" y="42" font-size="11">${esc(subtitle)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n')
}
