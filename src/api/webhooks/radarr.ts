/**
 * Radarr (v3–v6) webhook → ItemEvents. Pure: no I/O. Field names and shapes follow Radarr's
 * Notifications/Webhook payload classes (research/webhooks-and-ecosystem.md §A and its event → action table).
 */
import { z } from 'zod';
import type { WebhookOutcome } from './item-event.js';
import {
  asFolderPath,
  describedBy,
  downloaded,
  eventTypeSchema,
  fileDeleted,
  filePath,
  fileSchema,
  folderDelete,
  ignored,
  ignoredEventType,
  parsePayload,
  renamed,
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
  return describedBy({ imdb: movie.imdbId, tmdb: movie.tmdbId }, movie.title, movie.year);
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
  const oldPaths = (deletedFiles ?? []).map((file) => filePath(file, movie.folderPath));
  return downloaded([movieRow(movie, filePath(movieFile, movie.folderPath))], oldPaths);
}

function rename(payload: unknown): WebhookOutcome {
  const { movie, renamedMovieFiles } = parsePayload(radarrRenameSchema, payload, 'Radarr', 'Rename');
  return renamed(renamedMovieFiles, (path) => [movieRow(movie, path)]);
}

function movieFileDelete(payload: unknown): WebhookOutcome {
  const { movie, movieFile, deleteReason } = parsePayload(
    radarrMovieFileDeleteSchema,
    payload,
    'Radarr',
    'MovieFileDelete',
  );
  return fileDeleted([movieRow(movie, filePath(movieFile, movie.folderPath))], deleteReason);
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
