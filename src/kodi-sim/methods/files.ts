/**
 * Files.GetSources / GetDirectory / GetFileDetails (kodi-jsonrpc.md §12, real-kodi.md §5): only paths inside
 * a video source are allowed; missing and outside both give -32602; an empty folder lists as `files: []`;
 * with media "video" library files carry their id and type. Listings also refresh the stale directory
 * cache (real-kodi.md §4).
 */
import { basename } from 'node:path';
import { rootOf, type SimContext } from '../context.js';
import { isFile, isVideoFile, listDirectory } from '../disk.js';
import { invalidParams } from '../rpc-error.js';
import { applyLimits, optionalString, requiredString } from './params.js';
import type { MethodTable } from './types.js';

function libraryRef(ctx: SimContext, file: string): { id?: number; type: string } {
  const item = ctx.library.itemForFile(file);
  return item ? { id: item.id, type: item.type } : { type: 'unknown' };
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
          return { file: `${directory}${entry.name}/`, filetype: 'directory', label: entry.name };
        const file = `${directory}${entry.name}`;
        const ref = media === 'video' ? libraryRef(ctx, file) : {};
        return { file, filetype: 'file', label: entry.name, ...ref };
      });
    const { limits, page } = applyLimits(params, files);
    return { files: page, limits };
  },

  'Files.GetFileDetails': async (params, ctx) => {
    const file = requiredString(params, 'file');
    const media = optionalString(params, 'media', 'files');
    if (!rootOf(ctx, file) || !(await isFile(file))) throw invalidParams();
    await ctx.jobs.directoryCache.filesApiTouched(file);
    const ref = media === 'video' ? libraryRef(ctx, file) : {};
    return { filedetails: { file, filetype: 'file', label: basename(file), ...ref } };
  },
};
