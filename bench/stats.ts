// Statistics shared by the benchmarks.

/** The p-th percentile (nearest rank) of an ascending-sorted sample; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i] ?? Number.NaN
}

/** p50 / p90 / p99 / mean of a sample in milliseconds, rounded to 0.01. */
export function latencySummary(samples: readonly number[]): {
  n: number
  p50: number
  p90: number
  p99: number
  mean: number
} {
  const sorted = [...samples].sort((a, b) => a - b)
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length
  const round = (x: number) => +x.toFixed(2)
  return {
    n: samples.length,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    mean: round(mean),
  }
}
