/**
 * The clean's guard (DESIGN §7), a pure decision over what was observed: a real clean runs only when every root is
 * listable from Kodi and not empty while the library holds entries below it (an unmounted NAS behind an existing, empty mount point made Kodi's own Clean
 * remove every movie, real-kodi.md §16), the anchor file (if asked for) is present in every root, and the dry run
 * is within the task's limits. Playback and a running scan or clean are not refusals: the job is deferred until
 * they end (BusyError), so they are separate from these reasons.
 */
import type { DryRunReport } from './dry-run.js';

export interface CleanLimits {
  /** Most entries one clean removes (default 20). */
  maxItems: number;
  /** Most entries as a share of the library, in percent (default 5). */
  maxPercent: number;
}

export const DEFAULT_CLEAN_LIMITS: CleanLimits = { maxItems: 20, maxPercent: 5 };

export type RefusalCode =
  'no-roots' | 'root-unlistable' | 'root-empty' | 'anchor-missing' | 'over-item-limit' | 'over-percent-limit';

export interface Refusal {
  code: RefusalCode;
  message: string;
}

export function guardRefusals(
  report: Pick<DryRunReport, 'roots' | 'unreachable' | 'libraryCount'>,
  limits: CleanLimits,
): Refusal[] {
  const refusals: Refusal[] = [];
  if (report.roots.length === 0) {
    refusals.push({
      code: 'no-roots',
      message: 'the group serves no library, so there is no source root to check: add a library to the group',
    });
  }
  for (const root of report.roots) {
    if (!root.listable) {
      refusals.push({
        code: 'root-unlistable',
        message: `Kodi cannot list the source root "${root.root}" (${root.error ?? 'no answer'}): the share may be offline`,
      });
    } else if (root.entries === 0 && root.libraryEntries > 0) {
      refusals.push({
        code: 'root-empty',
        message: `the source root "${root.root}" is empty from Kodi's side: an unmounted share behind an empty mount point looks like this`,
      });
    } else if (root.anchor !== undefined && root.anchorPresent !== true) {
      refusals.push({
        code: 'anchor-missing',
        message: `the anchor file "${root.anchor}" is missing in "${root.root}": the share may not be the one mounted`,
      });
    }
  }
  const count = report.unreachable.length;
  if (count > limits.maxItems) {
    refusals.push({
      code: 'over-item-limit',
      message: `the dry run lists ${count} entries, more than the limit of ${limits.maxItems}`,
    });
  }
  const percent = report.libraryCount === 0 ? 0 : (count / report.libraryCount) * 100;
  if (count > 0 && percent > limits.maxPercent) {
    refusals.push({
      code: 'over-percent-limit',
      message: `the dry run lists ${count} of ${report.libraryCount} entries (${percent.toFixed(1)} %), more than the limit of ${limits.maxPercent} %`,
    });
  }
  return refusals;
}
