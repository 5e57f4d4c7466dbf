/**
 * Files.GetSources / GetDirectory / GetFileDetails (kodi-jsonrpc.md §12, real-kodi.md §5): only paths inside
 * a video source are allowed; missing and outside both give -32602; an empty folder lists as `files: []`;
 * with media "video" library files carry their id and type. Listings also refresh the stale directory
 * cache (real-kodi.md §4).
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { rootOf } from '../context.js';
import { isFile, isVideoFile, kodiDateTime, listDirectory } from '../disk.js';
import { invalidParams } from '../rpc-error.js';
import { applyLimits, optionalString, requiredString } from './params.js';
import type { MethodTable } from './types.js';

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
    const requested = requiredString(params, 'directory');
    const media = optionalString(params, 'media', 'files');
    const directory = requested.endsWith('/') ? requested : `${requested}/`;
    if (!rootOf(ctx, directory)) throw invalidParams();
    const entries = await listDirectory(directory);
    if (!entries) throw invalidParams();
    await ctx.jobs.directoryCache.filesApiTouched(directory);
    const files = entries
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
    const { limits, page } = applyLimits(params, files);
    return { files: page, limits };
  },

  // Real Kodi 20.1 answers only `label` + `type` unless properties are asked for, never `filetype`, and
  // with media "video" a library file carries its id and the library title as label (measured; see the
  // contract suite).
  'Files.GetFileDetails': async (params, ctx) => {
    const file = requiredString(params, 'file');
    const media = optionalString(params, 'media', 'files');
    if (!rootOf(ctx, file) || !(await isFile(file))) throw invalidParams();
    await ctx.jobs.directoryCache.filesApiTouched(file);
    const item = media === 'video' ? ctx.library.itemForFile(file) : undefined;
    const details: Record<string, unknown> = item
      ? { id: item.id, label: item.title, type: item.type }
      : { label: basename(file), type: 'unknown' };
    const requested = Array.isArray(params.properties) ? params.properties : [];
    if (requested.includes('file')) details.file = file;
    if (requested.includes('title')) details.title = item?.title ?? '';
    if (requested.includes('size') || requested.includes('lastmodified')) {
      const info = await stat(file);
      if (requested.includes('size')) details.size = info.size;
      if (requested.includes('lastmodified')) details.lastmodified = kodiDateTime(info.mtime);
    }
    return { filedetails: details };
  },
};
