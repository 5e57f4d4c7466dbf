/**
 * Files.GetSources / GetDirectory / GetFileDetails (kodi-jsonrpc.md §12, real-kodi.md §5): only paths inside
 * a video source are allowed; missing and outside both give -32602; an empty folder lists as `files: []`;
 * with media "video" library files carry their id and type. Listings also refresh the stale directory
 * cache (real-kodi.md §4).
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { rootOf } from '../context.js';
import { isDirectory, isFile, isVideoFile, listDirectory } from '../disk.js';
import { invalidParams } from '../rpc-error.js';
import { applyLimits, optionalString, requiredString } from './params.js';
import type { MethodTable } from './types.js';

function utcDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

function requestedProperties(params: Record<string, unknown>): unknown[] {
  return Array.isArray(params.properties) ? params.properties : [];
}

/**
 * `size` and `lastmodified` of a listed file or folder when asked for (measured on Kodi 20.1): the time as
 * `YYYY-MM-DD HH:MM:SS`, the fraction of the second dropped, in UTC whatever Kodi's time zone (measured with
 * Kodi set to New York, research notes kodi-facts-14 B.6); a folder's size is 0.
 */
async function entryProperties(path: string, requested: unknown[]): Promise<Record<string, unknown>> {
  const properties: Record<string, unknown> = {};
  if (!requested.includes('size') && !requested.includes('lastmodified')) return properties;
  try {
    const info = await stat(path);
    if (requested.includes('size')) properties.size = info.isDirectory() ? 0 : info.size;
    if (requested.includes('lastmodified')) properties.lastmodified = utcDateTime(info.mtime);
  } catch {
    // gone since the listing: Kodi would have listed it without these
  }
  return properties;
}

export const filesMethods: MethodTable = {
  'Files.GetSources': (params, ctx) => {
    const media = requiredString(params, 'media');
    const sources =
      media === 'video'
        ? [
            { file: ctx.moviesRoot, label: 'Movies' },
            { file: ctx.tvRoot, label: 'TV Shows' },
          ]
        : [];
    return { limits: { start: 0, end: sources.length, total: sources.length }, sources };
  },

  'Files.GetDirectory': async (params, ctx) => {
    const asked = requiredString(params, 'directory');
    const media = optionalString(params, 'media', 'files');
    const directory = asked.endsWith('/') ? asked : `${asked}/`;
    if (!rootOf(ctx, directory)) throw invalidParams();
    const entries = await listDirectory(directory);
    if (!entries) throw invalidParams();
    await ctx.jobs.directoryCache.filesApiTouched(directory);
    const requested = requestedProperties(params);
    const listed = entries
      .filter((entry) => entry.directory || media !== 'video' || isVideoFile(entry.name))
      .map((entry) => {
        if (entry.directory)
          return {
            file: `${directory}${entry.name}/`,
            filetype: 'directory',
            label: entry.name,
            type: 'unknown',
          };
        const file = `${directory}${entry.name}`;
        // Real Kodi labels a library file with its library title when media is "video" (contract suite).
        const item = media === 'video' ? ctx.library.itemForFile(file) : undefined;
        return item
          ? { file, filetype: 'file', label: item.title, id: item.id, type: item.type }
          : { file, filetype: 'file', label: entry.name, type: 'unknown' };
      });
    const files = await Promise.all(
      listed.map(async (entry) => ({ ...entry, ...(await entryProperties(entry.file, requested)) })),
    );
    const { limits, page } = applyLimits(params, files);
    return { files: page, limits };
  },

  // Real Kodi 20.1 answers only `label` + `type` unless properties are asked for, never `filetype`, and
  // with media "video" a library file carries its id and the library title as label (measured; see the
  // contract suite).
  'Files.GetFileDetails': async (params, ctx) => {
    const file = requiredString(params, 'file');
    const media = optionalString(params, 'media', 'files');
    const requested = requestedProperties(params);
    if (!rootOf(ctx, file)) throw invalidParams();
    // A folder ('/'-terminated) has details too, with an empty time and size 0 (measured; no slash: -32602).
    if (file.endsWith('/') && (await isDirectory(file))) {
      const folder: Record<string, unknown> = { label: basename(file), type: 'unknown' };
      if (requested.includes('file')) folder.file = file;
      if (requested.includes('lastmodified')) folder.lastmodified = '';
      if (requested.includes('size')) folder.size = 0;
      return { filedetails: folder };
    }
    if (!(await isFile(file))) {
      // Kodi asks its cached listing of the folder whether the file exists (kodi-facts-14 A.6): a file deleted
      // since that listing gets a bare record once; the call re-lists the folder, so the next one says -32602.
      const cache = ctx.jobs.directoryCache;
      if (!ctx.settings.staleDirectoryCache || !cache.listedFile(file)) throw invalidParams();
      await cache.filesApiTouched(file);
      const bare: Record<string, unknown> = { label: '', type: 'unknown' };
      if (requested.includes('file')) bare.file = file;
      if (requested.includes('lastmodified')) bare.lastmodified = '';
      if (requested.includes('size')) bare.size = 0;
      return { filedetails: bare };
    }
    await ctx.jobs.directoryCache.filesApiTouched(file);
    const item = media === 'video' ? ctx.library.itemForFile(file) : undefined;
    const details: Record<string, unknown> = item
      ? { id: item.id, label: item.title, type: item.type }
      : { label: basename(file), type: 'unknown' };
    if (requested.includes('file')) details.file = file;
    if (requested.includes('title')) details.title = item?.title ?? '';
    return { filedetails: { ...details, ...(await entryProperties(file, requested)) } };
  },
};
