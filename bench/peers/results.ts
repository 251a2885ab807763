// The result model of `npm run bench:peers`: per measure, per contender, one value per round; the median and
// min–max over rounds; the ratios ours / theirs with the targets.

export type Unit = 'msg/s' | 'ms' | 's'

export interface ContenderResult {
  id: string
  label: string
  /** One value per round that succeeded. */
  values: number[]
  /** Why a round failed (the contender is reported as failed, the rest of the run goes on). */
  errors: string[]
  median?: number
  min?: number
  max?: number
}

export interface Measure {
  id: string
  title: string
  unit: Unit
  /** true for throughput, false for times. */
  higherIsBetter: boolean
  contenders: ContenderResult[]
}

export interface Ratio {
  label: string
  measure: string
  ours: string
  theirs: string
  ratio?: number
  /** e.g. '>= 1.0'; absent for an informational ratio. */
  target?: string
  met?: boolean
}

export function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/** Fill median / min / max of every contender from its values. */
export function summarize(measures: Measure[]): void {
  for (const m of measures) {
    for (const c of m.contenders) {
      const med = median(c.values)
      if (med === undefined) continue
      c.median = med
      c.min = Math.min(...c.values)
      c.max = Math.max(...c.values)
    }
  }
}

export class Recorder {
  readonly measures: Measure[] = []

  measure(id: string, title: string, unit: Unit, higherIsBetter: boolean): Measure {
    let m = this.measures.find((x) => x.id === id)
    if (!m) {
      m = { id, title, unit, higherIsBetter, contenders: [] }
      this.measures.push(m)
    }
    return m
  }

  private contender(measure: Measure, id: string, label: string): ContenderResult {
    let c = measure.contenders.find((x) => x.id === id)
    if (!c) {
      c = { id, label, values: [], errors: [] }
      measure.contenders.push(c)
    }
    return c
  }

  add(measure: Measure, id: string, label: string, value: number): void {
    this.contender(measure, id, label).values.push(value)
  }

  fail(measure: Measure, id: string, label: string, err: unknown): void {
    const text = err instanceof Error ? err.message : String(err)
    this.contender(measure, id, label).errors.push(
      text.split('\n').slice(0, 6).join(' / ').replace(/\|/g, '/').slice(0, 600),
    )
  }
}

/** A ratio of two contenders' medians; `target` like '>= 1.0' or '<= 0.6'. */
export function ratio(
  measures: Measure[],
  label: string,
  measure: string,
  ours: string,
  theirs: string,
  target?: string,
): Ratio {
  const m = measures.find((x) => x.id === measure)
  const a = m?.contenders.find((c) => c.id === ours)?.median
  const b = m?.contenders.find((c) => c.id === theirs)?.median
  const r: Ratio = { label, measure, ours, theirs, ...(target ? { target } : {}) }
  if (a === undefined || b === undefined || b === 0) return r
  r.ratio = a / b
  if (target) {
    const [op, bound] = target.split(' ') as [string, string]
    r.met = op === '>=' ? r.ratio >= Number(bound) : r.ratio <= Number(bound)
  }
  return r
}
