/** Small statistics helpers for the benchmarks. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i] as number;
}

export function summary(xs: number[]): { median: number; p90: number; mean: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p90: quantile(s, 0.9), mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), n: s.length };
}

export const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 0)} ms`;
export const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
