/**
 * Pieces both webhook adapters share: the payload error, manager-side path joining that keeps the sender's
 * separator style (no node:path: it would mangle `\\server\share` and `C:\`), id clean-up, and the rules that
 * are the same for movies and episodes: what a download, a rename and a deleted file ask of Kodi.
 */
import { z } from 'zod';
import { ValidationError } from '../../util/errors.js';
import type { FolderDelete, ItemEvent, ItemIds, WebhookOutcome } from './item-event.js';

export type WebhookSource = 'Radarr' | 'Sonarr';

/** A payload that does not have the fields its eventType needs. `field` is the dotted path, e.g. `movieFile.path`. */
export class WebhookPayloadError extends ValidationError {}

/** "Radarr webhook (Download): movieFile.path: Invalid input: expected string, received number" — first issues only. */
export function formatWebhookPayloadError(
  error: z.ZodError,
  source: WebhookSource,
  eventType?: string,
): string {
  const what = eventType === undefined ? `${source} webhook` : `${source} webhook (${eventType})`;
  const issues = error.issues.slice(0, 3).map((issue) => `${fieldName(issue.path)}: ${issue.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return `${what} payload is not what ${source} sends: ${issues.join('; ')}${more}`;
}

function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** Parses with `schema` or throws a WebhookPayloadError naming the first bad field. */
export function parsePayload<T>(
  schema: z.ZodType<T>,
  payload: unknown,
  source: WebhookSource,
  eventType?: string,
): T {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  throw new WebhookPayloadError(
    first === undefined ? '(body)' : fieldName(first.path),
    formatWebhookPayloadError(result.error, source, eventType),
  );
}

/** Every payload has a PascalCase eventType; the rest depends on it. Unknown keys are allowed everywhere. */
export const eventTypeSchema = z.looseObject({ eventType: z.string().min(1) });

/** A file object (movieFile / episodeFile / deletedFiles[i]): `path` is absolute, `relativePath` is under the base. */
export const fileSchema = z
  .looseObject({
    id: z.number().nullish(),
    path: z.string().min(1).nullish(),
    relativePath: z.string().min(1).nullish(),
  })
  .refine((file) => file.path != null || file.relativePath != null, {
    error: 'needs "path" or "relativePath"',
    path: ['path'],
  });
export type WebhookFile = z.infer<typeof fileSchema>;

export const renamedFileSchema = z.looseObject({
  path: z.string().min(1),
  previousPath: z.string().min(1),
});
type RenamedFile = z.infer<typeof renamedFileSchema>;

function separatorOf(base: string): '\\' | '/' {
  // A drive letter or UNC root, or a path with backslashes and no slash: a Windows host sent it.
  if (/^[A-Za-z]:\\/.test(base) || base.startsWith('\\\\')) return '\\';
  return base.includes('\\') && !base.includes('/') ? '\\' : '/';
}

/** base + relative in the base's style; the relative part's separators are converted ("Season 01/x.mkv" on Windows). */
export function joinManagerPath(base: string, relative: string): string {
  const sep = separatorOf(base);
  const rel = relative.replace(/[\\/]+/g, sep).replace(/^[\\/]+/, '');
  return `${withSeparator(trimTrailingSeparators(base), sep)}${rel}`;
}

/** The folder with exactly one trailing separator of its own style: ItemEvent's marker for "everything under it". */
export function asFolderPath(base: string): string {
  return withSeparator(trimTrailingSeparators(base), separatorOf(base));
}

function withSeparator(path: string, sep: string): string {
  return path.endsWith('/') || path.endsWith('\\') ? path : `${path}${sep}`;
}

function trimTrailingSeparators(path: string): string {
  let end = path.length;
  // Keep a root ("/", "C:\") intact.
  while (
    end > 1 &&
    (path[end - 1] === '/' || path[end - 1] === '\\') &&
    !/^[A-Za-z]:$/.test(path.slice(0, end - 1))
  ) {
    end -= 1;
  }
  return path.slice(0, end);
}

/** The file's absolute path: `path` as sent when present, else base + relativePath. */
export function filePath(file: WebhookFile, base: string): string {
  if (file.path != null) return file.path;
  // The schema's refine guarantees one of the two.
  return joinManagerPath(base, file.relativePath ?? '');
}

/**
 * *arr writes 0 and "" for unknown ids (defaults are not omitted); drop them, and anything the engine would refuse
 * (its ids are strings; an imdb id looks like "tt0133093").
 */
function cleanIds(ids: {
  imdb?: string | null | undefined;
  tmdb?: number | null | undefined;
  tvdb?: number | null | undefined;
}): ItemIds | undefined {
  const out: ItemIds = {};
  if (ids.imdb != null && /^tt\d+$/.test(ids.imdb)) out.imdb = ids.imdb;
  if (ids.tmdb != null && Number.isInteger(ids.tmdb) && ids.tmdb > 0) out.tmdb = String(ids.tmdb);
  if (ids.tvdb != null && Number.isInteger(ids.tvdb) && ids.tvdb > 0) out.tvdb = String(ids.tvdb);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Ids, title and year as the engine accepts them (year 1870–2200; *arr sends 0 for unknown). */
export function describedBy(
  ids: Parameters<typeof cleanIds>[0],
  title: string | null | undefined,
  year: number | null | undefined,
): {
  ids?: ItemIds;
  title?: string;
  year?: number;
} {
  const clean = cleanIds(ids);
  return {
    ...(clean === undefined ? {} : { ids: clean }),
    ...(title == null || title === '' ? {} : { title: title.slice(0, 500) }),
    ...(year == null || !Number.isInteger(year) || year < 1870 || year > 2200 ? {} : { year }),
  };
}

export function ignored(reason: string): WebhookOutcome {
  return { events: [], ignoredReason: reason };
}

/** Events that never touch Kodi's library, with the reason logged for each. */
export const IGNORED_EVENT_REASONS: Readonly<Record<string, string>> = {
  Test: 'test',
  Grab: 'grab: nothing is on disk yet',
  MovieAdded: 'movie added: no file yet',
  SeriesAdd: 'series added: no file yet',
  Health: 'health event: not about a library item',
  HealthRestored: 'health event: not about a library item',
  ApplicationUpdate: 'application update: not about a library item',
  ManualInteractionRequired: 'manual interaction required: nothing was imported',
};

export function ignoredEventType(eventType: string): WebhookOutcome {
  return ignored(IGNORED_EVENT_REASONS[eventType] ?? `unsupported eventType "${eventType}": nothing to do`);
}

/** An ItemEvent without its action: what one library row is (kind, path, ids, title, season…). */
export type ItemRow = Omit<ItemEvent, 'action'>;

/** The parts of an outcome, collected while walking a payload's files. */
interface OutcomeParts {
  apply: ItemEvent[];
}

function emptyParts(): OutcomeParts {
  return { apply: [] };
}

/**
 * A new file that takes the place of old ones (an upgrade, a rename). Same path as an old one → `republish` (Kodi
 * refreshes the entry in place; the engine keeps its user data). Otherwise `publish` the new rows with the old paths
 * in `replaces` and NO separate delete: the replacing job copies the old entry's user data (playcount, resume, last
 * played, date added) onto the new one and only then removes the old one (src/sync/replace.ts).
 */
function addReplacement(parts: OutcomeParts, newRows: readonly ItemRow[], oldPaths: readonly string[]): void {
  const newPaths = new Set(newRows.map((row) => row.path));
  const others = [...new Set(oldPaths)].filter((path) => !newPaths.has(path));
  const inPlace = oldPaths.some((path) => newPaths.has(path));
  const action = inPlace ? 'republish' : 'publish';
  parts.apply.push(
    ...newRows.map((row): ItemEvent => ({ action, ...row, ...(others.length > 0 && { replaces: others }) })),
  );
}

/**
 * Final rule for one payload: never replace (remove) a path this same payload publishes (a rename chain A→B, B→C
 * must not remove the new B).
 */
function orderedOutcome(parts: OutcomeParts): WebhookOutcome {
  const published = new Set(parts.apply.map((event) => event.path));
  const events = parts.apply.map((event): ItemEvent => {
    const { replaces, ...rest } = event;
    const kept = (replaces ?? []).filter((path) => !published.has(path));
    return kept.length > 0 ? { ...rest, replaces: kept } : rest;
  });
  return { events };
}

/** A download: its rows published, or put in the place of the files it deleted (an upgrade). */
export function downloaded(newRows: readonly ItemRow[], oldPaths: readonly string[]): WebhookOutcome {
  // An upgrade from a manager that does not report deletedFiles (or none were replaced) is a plain publish.
  if (oldPaths.length === 0) return { events: newRows.map((row) => ({ action: 'publish', ...row })) };
  const parts = emptyParts();
  addReplacement(parts, newRows, oldPaths);
  return orderedOutcome(parts);
}

/** A rename: the rows at each file's new path take the place of its previous path. */
export function renamed(
  files: readonly RenamedFile[],
  rowsAt: (path: string) => readonly ItemRow[],
): WebhookOutcome {
  if (files.length === 0) return ignored('rename without renamed files');
  const parts = emptyParts();
  for (const file of files) addReplacement(parts, rowsAt(file.path), [file.previousPath]);
  return orderedOutcome(parts);
}

/** A file the manager deleted, by its deleteReason: only a reason known to mean "gone" removes it from Kodi. */
export function fileDeleted(
  rows: readonly ItemRow[],
  deleteReason: string | null | undefined,
): WebhookOutcome {
  switch (deleteReason) {
    case 'upgrade':
      // Sent before the new file is moved in; the Download (isUpgrade) that follows does the replacement.
      return ignored('file deleted for an upgrade: the following Download replaces it');
    case 'manualOverride':
      // A manual import replaced the file at the same relative path: new content, same entry.
      return { events: rows.map((row) => ({ action: 'republish', ...row })) };
    case 'manual':
    case 'missingFromDisk':
    case 'noLinkedEpisodes':
      return { events: rows.map((row) => ({ action: 'delete', ...row })) };
    default:
      // Never remove on a reason we do not know; the drift report finds a stale entry later.
      return ignored(
        `deleteReason ${deleteReason == null ? 'missing' : `"${deleteReason}" unknown`}: nothing removed`,
      );
  }
}

export function folderDelete(folder: FolderDelete): WebhookOutcome {
  return { events: [], folderDeletes: [folder] };
}
