/** bench/results/real-kodi.md: the real-Kodi bench's JSON as readable tables. */
import type { WorkloadResult } from './run.js';

interface Results {
  measuredAt: string;
  kodi: string;
  machine: { cpus: number; note: string; loadStart: number[]; loadEnd: number[] };
  workloads: Record<string, WorkloadResult>;
}

const ms = (value: number): string => (Number.isFinite(value) ? String(Math.round(value)) : '–');

export function renderMarkdown(results: Results): string {
  const lines = [
    '# Real-Kodi bench: Kodi Sync side by side with the usual approaches',
    '',
    `Measured ${results.measuredAt} on Kodi ${results.kodi}, ${String(results.machine.cpus)} cores, load average ` +
      `(1/5/15 min) ${results.machine.loadStart.join(' / ')} at start, ${results.machine.loadEnd.join(' / ')} at end. ` +
      `The machine is ${results.machine.note}.`,
    '',
    'Approaches: **Kodi Sync** (engine + queue + client, publish → verified in Kodi); **custom script** (`Scan {folder}`, ' +
      'poll `IsScanningVideo` every 100 ms, done, no lookup); **manager built-in** (`Scan {}` of the whole library, fire ' +
      'and forget); **hand floor** (one WebSocket: list the source root, `Scan {folder/}`, wait for OnScanFinished, look ' +
      'up by path + file name). "Added" is checked by exact file after Kodi is idle; a false "done" is reported done ' +
      'but not in Kodi. Per-item time: publish → the approach reports done (only Kodi Sync and the floor look).',
    '',
  ];
  for (const [name, w] of Object.entries(results.workloads).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(
      `## ${name}: ${w.description}`,
      '',
      `Library ${String(w.library)} movies; load ${w.load.start.join(' / ')} → ${w.load.end.join(' / ')}.`,
      '',
      '| approach | rounds | items | added in Kodi | reported done | false "done" | wall ms (median) | per-item p50 ms | p90 ms |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const v of w.variants) {
      const sortedWall = [...v.wallMs].sort((a, b) => a - b);
      lines.push(
        `| ${v.label} | ${String(v.rounds)} | ${String(v.items)} | ${String(v.addedInKodi)} | ${String(v.reportedDone)} | ` +
          `${String(v.falseDone)} | ${ms(sortedWall[Math.floor((sortedWall.length - 1) / 2)] ?? Number.NaN)} | ` +
          `${ms(v.perItemP50Ms)} | ${ms(v.perItemP90Ms)} |`,
      );
    }
    lines.push('');
    for (const [key, value] of Object.entries(w.ratio)) lines.push(`- ${key}: **${String(value)}**`);
    for (const [key, value] of Object.entries(w.extra ?? {})) lines.push(`- ${key}: ${String(value)}`);
    for (const v of w.variants) {
      if (v.stepsMeanMs) lines.push(`- ${v.label}, mean ms per call: ${JSON.stringify(v.stepsMeanMs)}`);
      if (!v.breakdown) continue;
      lines.push(`- ${v.label}, where the job's time goes: ${JSON.stringify(v.breakdown)}`);
      if (v.escalations && Object.keys(v.escalations).length > 0)
        lines.push(`- ${v.label}, escalations: ${JSON.stringify(v.escalations)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
