/**
 * Retry timing for transient failures: exponential backoff with jitter, up to a give-up horizon measured
 * from the first failure of the streak. Defaults keep trying for a day, because a Kodi that is switched
 * off for the night must still be synced in the morning (DESIGN.md §5).
 */
export interface BackoffPolicy {
  /** Delay after the first failure. */
  baseMs: number;
  /** Growth per further failure. */
  factor: number;
  /** Longest single delay. */
  maxDelayMs: number;
  /** Give up (job failed with the last message) when the next try would start later than this after the first failure. */
  giveUpAfterMs: number;
  /** Fraction of the delay drawn at random, ±: spreads out retries of many jobs that failed together. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseMs: 30_000,
  factor: 2,
  maxDelayMs: 60 * 60_000,
  giveUpAfterMs: 24 * 60 * 60_000,
  jitter: 0.2,
};

/** Delay before the next try after the `failures`-th consecutive transient failure (1-based). */
export function backoffDelay(
  failures: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, failures - 1);
  const raw = Math.min(policy.maxDelayMs, policy.baseMs * policy.factor ** exponent);
  const spread = raw * policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(raw + spread));
}

/** The next run time, or undefined when the horizon is passed and the job must fail. */
export function nextRetryAt(
  now: number,
  firstFailedAt: number,
  failures: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number | undefined {
  const at = now + backoffDelay(failures, policy, random);
  return at - firstFailedAt > policy.giveUpAfterMs ? undefined : at;
}
