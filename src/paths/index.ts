/** Path mapping and Kodi path arithmetic, pure functions (no file system, no node:path). */
export {
  mapKodiToManager,
  mapManagerToKodi,
  mappingProblem,
  type MapOptions,
  type PathMapping,
} from './mapping.js';
export {
  folderBelow,
  joinKodi,
  kodiBasename,
  kodiDirname,
  kodiFolder,
  sameKodiPath,
  withoutCredentials,
} from './kodi-path.js';
export { covers, detectStyle, maskCredentials, parsePath, type ParsedPath, type PathStyle } from './parse.js';
