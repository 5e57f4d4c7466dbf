/**
 * Radarr (v3–v6) webhook → ItemEvents. Pure: no I/O. Field names and shapes follow Radarr's
 * Notifications/Webhook payload classes (research/webhooks-and-ecosystem.md §A and its event → action table).
 */
import { z } from 'zod';
import type { WebhookOutcome } from './item-event.js';
import {
  addReplacement,
  asFolderPath,
  cleanIds,
  describedBy,
  emptyParts,
  eventTypeSchema,
  filePath,
  fileSchema,
  folderDelete,
  ignored,
  ignoredEventType,
  orderedOutcome,
  parsePayload,
  renamedFileSchema,
  type ItemRow,
} from './common.js';

const movieSchema = z.looseObject({
  id: z.number().nullish(),
  title: z.string().nullish(),
  year: z.number().nullish(),
  /** The movie folder on the Radarr host, without a trailing separator. */
  folderPath: z.string().min(1),
  /** Declared by WebhookMovie but never filled by current Radarr; used when a sender does fill it. */
  filePath: z.string().min(1).nullish(),
  tmdbId: z.number().nullish(),
  imdbId: z.string().nullish(),
});
type RadarrMovie = z.infer<typeof movieSchema>;

export const radarrDownloadSchema = z.looseObject({
  movie: movieSchema,
  movieFile: fileSchema,
  isUpgrade: z.boolean().nullish(),
  /** Only on upgrades: the replaced files, with their old `path`. */
  deletedFiles: z.array(fileSchema).nullish(),
});

export const radarrRenameSchema = z.looseObject({
  movie: movieSchema,
  renamedMovieFiles: z.array(renamedFileSchema),
});

export const radarrMovieFileDeleteSchema = z.looseObject({
  movie: movieSchema,
  movieFile: fileSchema,
  deleteReason: z.string().nullish(),
});

export const radarrMovieDeleteSchema = z.looseObject({
  movie: movieSchema,
  deletedFiles: z.boolean().nullish(),
});

function movieDescription(movie: RadarrMovie) {
  const ids = cleanIds({ imdb: movie.imdbId, tmdb: movie.tmdbId });
  return { ...(ids === undefined ? {} : { ids }), ...describedBy(movie.title, movie.year) };
}

function movieRow(movie: RadarrMovie, path: string): ItemRow {
  return { kind: 'movie', path, ...movieDescription(movie) };
}

function download(payload: unknown): WebhookOutcome {
  const { movie, movieFile, deletedFiles } = parsePayload(
    radarrDownloadSchema,
    payload,
    'Radarr',
    'Download',
  );
  const newRow = movieRow(movie, filePath(movieFile, movie.folderPath));
  // An upgrade from a Radarr that does not report deletedFiles (or none were replaced) is a plain publish.
  const oldPaths = (deletedFiles ?? []).map((file) => filePath(file, movie.folderPath));
  if (oldPaths.length === 0) return { events: [{ action: 'publish', ...newRow }] };
  const parts = emptyParts();
  addReplacement(parts, [newRow], oldPaths);
  return orderedOutcome(parts);
}

function rename(payload: unknown): WebhookOutcome {
  const { movie, renamedMovieFiles } = parsePayload(radarrRenameSchema, payload, 'Radarr', 'Rename');
  if (renamedMovieFiles.length === 0) return ignored('rename without renamed files');
  const parts = emptyParts();
  for (const file of renamedMovieFiles) {
    addReplacement(parts, [movieRow(movie, file.path)], [file.previousPath]);
  }
  return orderedOutcome(parts);
}

function movieFileDelete(payload: unknown): WebhookOutcome {
  const { movie, movieFile, deleteReason } = parsePayload(
    radarrMovieFileDeleteSchema,
    payload,
    'Radarr',
    'MovieFileDelete',
  );
  const row = movieRow(movie, filePath(movieFile, movie.folderPath));
  switch (deleteReason) {
    case 'upgrade':
      // Sent before the new file is moved in; the Download (isUpgrade) that follows does the replacement.
      return ignored('file deleted for an upgrade: the following Download replaces it');
    case 'manualOverride':
      // A manual import replaced the file at the same relative path: new content, same entry.
      return { events: [{ action: 'republish', ...row }] };
    case 'manual':
    case 'missingFromDisk':
    case 'noLinkedEpisodes':
      return { events: [{ action: 'delete', ...row }] };
    default:
      // Never remove on a reason we do not know; the drift report finds a stale entry later.
      return ignored(
        `deleteReason ${deleteReason == null ? 'missing' : `"${deleteReason}" unknown`}: nothing removed`,
      );
  }
}

function movieDelete(payload: unknown): WebhookOutcome {
  const { movie, deletedFiles } = parsePayload(radarrMovieDeleteSchema, payload, 'Radarr', 'MovieDelete');
  if (deletedFiles !== true) return ignored('movie deleted from Radarr but its files were kept');
  if (movie.filePath != null) return { events: [{ action: 'delete', ...movieRow(movie, movie.filePath) }] };
  // Radarr never fills movie.filePath today: the usual target is every known item in the movie's folder.
  return folderDelete({ kind: 'movie', folder: asFolderPath(movie.folderPath), ...movieDescription(movie) });
}

/** What a Radarr webhook body asks for. Throws a WebhookPayloadError (a ValidationError) naming the bad field. */
export function radarrEventsFromPayload(payload: unknown): WebhookOutcome {
  const { eventType } = parsePayload(eventTypeSchema, payload, 'Radarr');
  switch (eventType) {
    case 'Download':
      return download(payload);
    case 'Rename':
      return rename(payload);
    case 'MovieFileDelete':
      return movieFileDelete(payload);
    case 'MovieDelete':
      return movieDelete(payload);
    default:
      return ignoredEventType(eventType);
  }
}
