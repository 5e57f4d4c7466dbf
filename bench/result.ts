/** What every benchmark reports: figures measured on this machine next to the goal they are judged by. */
export interface BenchResult {
  name: string;
  goal: string;
  figures: Record<string, number>;
  unit: string;
  met?: boolean;
}

/** Percentile of an unsorted sample (nearest-rank). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
