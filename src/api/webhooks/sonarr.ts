/**
 * Sonarr (v3–v4) webhook → ItemEvents. Pure: no I/O. Field names and shapes follow Sonarr's
 * Notifications/Webhook payload classes (research/webhooks-and-ecosystem.md §B and its event → action table).
 * A multi-episode file gives one ItemEvent per episode, all sharing the file's path (Kodi has one row per episode).
 */
import { z } from 'zod';
import type { ItemEvent, WebhookOutcome } from './item-event.js';
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

const seriesSchema = z.looseObject({
  id: z.number().nullish(),
  title: z.string().nullish(),
  /** The series folder on the Sonarr host, without a trailing separator. */
  path: z.string().min(1),
  tvdbId: z.number().nullish(),
  tmdbId: z.number().nullish(),
  imdbId: z.string().nullish(),
  year: z.number().nullish(),
});
type SonarrSeries = z.infer<typeof seriesSchema>;

const episodeSchema = z.looseObject({
  id: z.number().nullish(),
  seasonNumber: z.number().int(),
  episodeNumber: z.number().int(),
});
type SonarrEpisode = z.infer<typeof episodeSchema>;

export const sonarrDownloadSchema = z.looseObject({
  series: seriesSchema,
  episodes: z.array(episodeSchema).nullish(),
  episodeFile: fileSchema,
  isUpgrade: z.boolean().nullish(),
  deletedFiles: z.array(fileSchema).nullish(),
});

/** "On Import Complete" (v4.0.6+): also eventType Download, told apart by episodeFiles[]. */
export const sonarrImportCompleteSchema = z.looseObject({
  series: seriesSchema,
  episodes: z.array(episodeSchema).nullish(),
  episodeFiles: z.array(fileSchema),
});

export const sonarrRenameSchema = z.looseObject({
  series: seriesSchema,
  renamedEpisodeFiles: z.array(renamedFileSchema),
});

export const sonarrEpisodeFileDeleteSchema = z.looseObject({
  series: seriesSchema,
  episodes: z.array(episodeSchema).nullish(),
  episodeFile: fileSchema,
  deleteReason: z.string().nullish(),
});

export const sonarrSeriesDeleteSchema = z.looseObject({
  series: seriesSchema,
  deletedFiles: z.boolean().nullish(),
});

/** A path-only row (every Kodi episode of that file or folder), with the series' ids and title. */
function seriesDescription(series: SonarrSeries) {
  return describedBy(
    { tvdb: series.tvdbId, tmdb: series.tmdbId, imdb: series.imdbId },
    series.title,
    series.year,
  );
}

function seriesRow(series: SonarrSeries, path: string): ItemRow {
  return { kind: 'episode', path, ...seriesDescription(series) };
}

/** The file's rows: one per episode it holds, or one path-only row when the payload does not say which. */
function episodeRows(
  series: SonarrSeries,
  path: string,
  episodes?: readonly SonarrEpisode[] | null,
): ItemRow[] {
  const base = seriesRow(series, path);
  if (episodes == null || episodes.length === 0) return [base];
  return episodes.map((episode) => ({
    ...base,
    season: episode.seasonNumber,
    episode: episode.episodeNumber,
  }));
}

function download(payload: unknown): WebhookOutcome {
  if (typeof payload === 'object' && payload !== null && 'episodeFiles' in payload)
    return importComplete(payload);
  const { series, episodes, episodeFile, deletedFiles } = parsePayload(
    sonarrDownloadSchema,
    payload,
    'Sonarr',
    'Download',
  );
  const newRows = episodeRows(series, filePath(episodeFile, series.path), episodes);
  // The old file's episodes are not listed: the replacement is path-only (every Kodi row of that file).
  const oldPaths = (deletedFiles ?? []).map((file) => filePath(file, series.path));
  return downloaded(newRows, oldPaths);
}

function importComplete(payload: unknown): WebhookOutcome {
  const { series, episodes, episodeFiles } = parsePayload(
    sonarrImportCompleteSchema,
    payload,
    'Sonarr',
    'Download',
  );
  if (episodeFiles.length === 0) return ignored('import complete without files');
  // episodes[] is not split per file; it can only be attributed when there is exactly one file.
  const perFileEpisodes = episodeFiles.length === 1 ? episodes : undefined;
  const events = episodeFiles.flatMap((file) =>
    episodeRows(series, filePath(file, series.path), perFileEpisodes).map((row): ItemEvent => ({
      action: 'publish',
      ...row,
    })),
  );
  return { events };
}

function rename(payload: unknown): WebhookOutcome {
  const { series, renamedEpisodeFiles } = parsePayload(sonarrRenameSchema, payload, 'Sonarr', 'Rename');
  // Rename payloads carry no episodes[]: the rows are path-only.
  return renamed(renamedEpisodeFiles, (path) => [seriesRow(series, path)]);
}

function episodeFileDelete(payload: unknown): WebhookOutcome {
  const { series, episodes, episodeFile, deleteReason } = parsePayload(
    sonarrEpisodeFileDeleteSchema,
    payload,
    'Sonarr',
    'EpisodeFileDelete',
  );
  return fileDeleted(episodeRows(series, filePath(episodeFile, series.path), episodes), deleteReason);
}

function seriesDelete(payload: unknown): WebhookOutcome {
  const { series, deletedFiles } = parsePayload(sonarrSeriesDeleteSchema, payload, 'Sonarr', 'SeriesDelete');
  if (deletedFiles !== true) return ignored('series deleted from Sonarr but its files were kept');
  // Every known episode under the series folder goes (and the show with its last episode).
  return folderDelete({ kind: 'episode', folder: asFolderPath(series.path), ...seriesDescription(series) });
}

/** What a Sonarr webhook body asks for. Throws a WebhookPayloadError (a ValidationError) naming the bad field. */
export function sonarrEventsFromPayload(payload: unknown): WebhookOutcome {
  const { eventType } = parsePayload(eventTypeSchema, payload, 'Sonarr');
  switch (eventType) {
    case 'Download':
      return download(payload);
    case 'Rename':
      return rename(payload);
    case 'EpisodeFileDelete':
      return episodeFileDelete(payload);
    case 'SeriesDelete':
      return seriesDelete(payload);
    default:
      return ignoredEventType(eventType);
  }
}
