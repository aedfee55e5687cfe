/**
 * Percentiles for the measuring scripts, in one place. Latencies are reported by nearest rank (a value
 * that was measured); the bench interpolates between ranks for its medians of a few repetitions.
 */

/** The nearest-rank p-th percentile (0–100) of `values`: the smallest with at least p% of them at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The p-th percentile (0–100) of `values`, interpolated between the nearest ranks. */
export function interpolatedPercentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** The median of `values`, interpolated (the bench's repetitions are few and even in number at times). */
export function median(values: readonly number[]): number {
  return interpolatedPercentile(values, 50);
}
