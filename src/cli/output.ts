/**
 * Output helpers shared by the CLI commands: JSON for scripts (--json), aligned tables for people, and one
 * way to turn a failure into a readable message and exit code 1.
 */
import { ApiRequestError } from './api-client.js';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints rows as aligned columns; `columns` maps a header to how the cell is read from a row. */
export function printTable<T>(rows: readonly T[], columns: Record<string, (row: T) => unknown>): void {
  const headers = Object.keys(columns);
  const cells = rows.map((row) => headers.map((h) => cellText(columns[h]?.(row))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(headers)}\n`);
  for (const row of cells) process.stdout.write(`${line(row)}\n`);
  if (rows.length === 0) process.stdout.write('(none)\n');
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

export function formatTime(epochMs: number | null | undefined): string {
  return epochMs === null || epochMs === undefined
    ? '-'
    : new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19);
}

/** True when the person asked for stack traces (`--debug`, anywhere on the command line). */
export function debugWanted(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--debug');
}

/** Prints a failure for a person: its message, and the stack only with --debug. */
export function reportFailure(error: unknown): void {
  const message =
    error instanceof ApiRequestError
      ? `${error.message}${error.status > 0 ? ` (HTTP ${error.status})` : ''}`
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`kodi-sync: ${message}\n`);
  if (debugWanted() && error instanceof Error && error.stack !== undefined) {
    process.stderr.write(`${error.stack}\n`);
  }
}

/** Wraps a command action: a failure prints its message (a stack only with --debug) and sets exit code 1. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      reportFailure(error);
      process.exitCode = 1;
    }
  };
}
