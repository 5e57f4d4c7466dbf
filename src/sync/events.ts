/**
 * The edge that comes in (DESIGN §2.2): an item was published, re-published or deleted by the manager.
 * Validation is pure and complete before anything is written; each error names the field (`events[2].path`).
 */
import { parsePath } from '../paths/index.js';
import { ValidationError } from '../util/errors.js';
import type { ItemIds, ItemKind } from './types.js';

export type ItemAction = 'publish' | 'republish' | 'delete';

export interface ItemEvent {
  action: ItemAction;
  kind: ItemKind;
  /** The video file as the manager sees it (not its folder). */
  path: string;
  libraryId?: number;
  ids?: ItemIds;
  title?: string;
  year?: number;
  season?: number;
  episode?: number;
  /** publish/republish only: manager paths of the files this one takes the place of (upgrade, rename). */
  replaces?: string[];
}

const ACTIONS: readonly string[] = ['publish', 'republish', 'delete'];
const KINDS: readonly string[] = ['movie', 'episode'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalInt(field: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(
      field,
      `${field} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

function optionalId(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && /^[\w.-]{1,64}$/.test(value)) return value;
  throw new ValidationError(
    field,
    `${field} must be an id such as "tt0133093" or 603 (got ${JSON.stringify(value)})`,
  );
}

function validateIds(field: string, value: unknown): ItemIds | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value))
    throw new ValidationError(field, `${field} must be an object like {"imdb":"tt0133093"}`);
  const ids: ItemIds = {};
  for (const key of Object.keys(value)) {
    if (key !== 'imdb' && key !== 'tmdb' && key !== 'tvdb') {
      throw new ValidationError(`${field}.${key}`, `${field} accepts imdb, tmdb and tvdb (got "${key}")`);
    }
    const id = optionalId(`${field}.${key}`, value[key]);
    if (id !== undefined) ids[key] = id;
  }
  if (ids.imdb !== undefined && !/^tt\d+$/.test(ids.imdb)) {
    throw new ValidationError(
      `${field}.imdb`,
      `${field}.imdb must look like "tt0133093" (got "${ids.imdb}")`,
    );
  }
  return ids;
}

function validatePath(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(
      field,
      `${field} must be the full path of the video file as the manager sees it`,
    );
  }
  if (value.length > 4096 || value.includes('\0')) {
    throw new ValidationError(field, `${field} must be a path of at most 4096 characters without NUL`);
  }
  const parsed = parsePath(value);
  if (!parsed) {
    throw new ValidationError(
      field,
      `${field} "${value}" is not absolute (expected /…, D:\\…, \\\\server\\share\\… or smb://…)`,
    );
  }
  if (parsed.trailing || parsed.segments.length === 0) {
    throw new ValidationError(field, `${field} "${value}" is a folder; send the video file inside it`);
  }
  if (parsed.segments.some((s) => s === '.' || s === '..')) {
    throw new ValidationError(field, `${field} "${value}" contains "." or ".." segments`);
  }
  return value;
}

function validateReplaces(field: string, value: unknown, event: ItemEvent): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (event.action === 'delete') {
    throw new ValidationError(field, `${field} belongs to publish or republish, not delete`);
  }
  if (!Array.isArray(value) || value.length > 100) {
    throw new ValidationError(field, `${field} must be a list of at most 100 video file paths`);
  }
  const paths = value.map((path, i) => validatePath(`${field}[${i}]`, path));
  const others = [...new Set(paths)].filter((path) => path !== event.path);
  return others.length > 0 ? others : undefined;
}

/** Checks one event; throws a ValidationError naming the field, or returns a clean copy. */
export function validateItemEvent(value: unknown, field = 'event'): ItemEvent {
  if (!isRecord(value)) throw new ValidationError(field, `${field} must be an object`);
  const { action, kind } = value;
  if (typeof action !== 'string' || !ACTIONS.includes(action)) {
    throw new ValidationError(
      `${field}.action`,
      `${field}.action must be one of ${ACTIONS.join(', ')} (got ${JSON.stringify(action)})`,
    );
  }
  if (typeof kind !== 'string' || !KINDS.includes(kind)) {
    throw new ValidationError(
      `${field}.kind`,
      `${field}.kind must be movie or episode (got ${JSON.stringify(kind)})`,
    );
  }
  const event: ItemEvent = {
    action: action as ItemAction,
    kind: kind as ItemKind,
    path: validatePath(`${field}.path`, value.path),
  };
  const libraryId = optionalInt(`${field}.libraryId`, value.libraryId, 1, Number.MAX_SAFE_INTEGER);
  if (libraryId !== undefined) event.libraryId = libraryId;
  const ids = validateIds(`${field}.ids`, value.ids);
  if (ids) event.ids = ids;
  if (value.title !== undefined && value.title !== null) {
    if (typeof value.title !== 'string' || value.title.length > 500) {
      throw new ValidationError(`${field}.title`, `${field}.title must be a text of at most 500 characters`);
    }
    event.title = value.title;
  }
  const year = optionalInt(`${field}.year`, value.year, 1870, 2200);
  if (year !== undefined) event.year = year;
  const season = optionalInt(`${field}.season`, value.season, 0, 10_000);
  const episode = optionalInt(`${field}.episode`, value.episode, 0, 100_000);
  if (event.kind === 'movie' && (season !== undefined || episode !== undefined)) {
    throw new ValidationError(
      `${field}.season`,
      `${field} is a movie: season and episode belong to kind "episode"`,
    );
  }
  if (season !== undefined) event.season = season;
  if (episode !== undefined) event.episode = episode;
  const replaces = validateReplaces(`${field}.replaces`, value.replaces, event);
  if (replaces) event.replaces = replaces;
  return event;
}

/** Checks a list of events (1…1000); the first error wins and nothing has been written. */
export function validateItemEvents(value: unknown): ItemEvent[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new ValidationError('events', 'events must be a non-empty list');
  if (value.length > 1000)
    throw new ValidationError('events', 'events holds at most 1000 events per request');
  return value.map((event, i) => validateItemEvent(event, `events[${i}]`));
}
