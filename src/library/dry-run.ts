/**
 * The clean's dry run (DESIGN §7): which library entries Kodi ITSELF cannot reach now, asked through Kodi's file API
 * (Kodi may see other mounts than Kodi Sync). One `Files.GetDirectory` per folder holding library entries, never a
 * call per file — and `Files.GetFileDetails` on a vanished file even answered an empty record first (real-kodi.md
 * §16). A failing listing is tried again (listFolder); a folder that still cannot be listed counts as gone only
 * while its source root is listable and not empty — a failing or empty root never means "everything is missing":
 * the guard refuses instead.
 */
import type { KodiClient } from '../kodi/client.js';
import { kodiBasename, kodiDirname, parsePath } from '../paths/index.js';
import { listFolder } from '../sync/listing.js';
import { sameStoredFile, storedBelow } from '../sync/lookup.js';
import type { StepRecorder } from '../sync/steps.js';
import type { GroupRoot } from './group-scope.js';
import { listLibrary, type LibraryEntry } from './library-listing.js';

export interface RootCheck {
  root: string;
  kind: 'movie' | 'episode';
  listable: boolean;
  /** Entries Kodi lists in the root (0 when not listable). */
  entries: number;
  /** Library entries (movies or episodes) whose files lie below this root. */
  libraryEntries: number;
  error?: string;
  /** The anchor file asked for, and whether the root lists it. */
  anchor?: string;
  anchorPresent?: boolean;
}

export interface UnreachableEntry extends LibraryEntry {
  /** Why Kodi cannot reach it: its folder does not list the file, or the folder itself cannot be listed. */
  reason: 'file not listed' | 'folder gone';
}

export interface DryRunReport {
  member: string;
  /** Movies and episodes in the library below the group's roots. */
  libraryCount: number;
  unreachable: UnreachableEntry[];
  roots: RootCheck[];
  foldersListed: number;
  /** Entries below a root that could not be checked (its root failed): never counted as unreachable. */
  unchecked: number;
  /** Entries outside every root of the group (other sources): not looked at. */
  outsideRoots: number;
}

export interface DryRunOptions {
  /** A file name every root must list (e.g. `kodi-sync-anchor.txt`; not a dot file: real Kodi 20.1 does not list those), proving the share is mounted. */
  anchorFile?: string;
}

async function checkRoot(
  client: KodiClient,
  steps: StepRecorder,
  root: GroupRoot,
  options: DryRunOptions,
  signal?: AbortSignal,
): Promise<RootCheck> {
  const listing = await listFolder(client, steps, root.kodiRoot, signal);
  const check: RootCheck = {
    root: root.kodiRoot,
    kind: root.kind,
    listable: listing.ok,
    entries: listing.entries.length,
    libraryEntries: 0,
    ...(listing.error !== undefined && { error: listing.error }),
  };
  if (options.anchorFile !== undefined) {
    check.anchor = options.anchorFile;
    check.anchorPresent = listing.entries.some(
      (e) => e.filetype === 'file' && kodiBasename(e.file) === options.anchorFile,
    );
  }
  return check;
}

/** The root of `roots` an entry's file lies below (the longest, should roots nest). */
function rootOf(entry: LibraryEntry, roots: readonly GroupRoot[]): GroupRoot | undefined {
  return roots
    .filter((r) => r.kind === entry.kind && storedBelow(entry.file, r.kodiRoot))
    .sort((a, b) => b.kodiRoot.length - a.kodiRoot.length)[0];
}

export async function cleanDryRun(
  member: { name: string; client: KodiClient },
  steps: StepRecorder,
  roots: readonly GroupRoot[],
  options: DryRunOptions = {},
  signal?: AbortSignal,
): Promise<DryRunReport> {
  const rootChecks = new Map<string, RootCheck>();
  for (const root of roots) {
    rootChecks.set(root.kodiRoot, await checkRoot(member.client, steps, root, options, signal));
  }
  const kinds = [...new Set(roots.map((r) => r.kind))];
  const entries = await listLibrary(member.client, steps, kinds);
  const byFolder = new Map<string, LibraryEntry[]>();
  let outsideRoots = 0;
  let unchecked = 0;
  let libraryCount = 0;
  for (const entry of entries) {
    const root = entry.file && parsePath(entry.file) ? rootOf(entry, roots) : undefined;
    if (!root) {
      outsideRoots++;
      continue;
    }
    libraryCount++;
    const check = rootChecks.get(root.kodiRoot);
    if (check) check.libraryEntries++;
    if (!check?.listable || check.entries === 0) {
      unchecked++;
      continue;
    }
    const folder = kodiDirname(entry.file);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), entry]);
  }
  const unreachable: UnreachableEntry[] = [];
  for (const [folder, inFolder] of byFolder) {
    const listing = await listFolder(member.client, steps, folder, signal);
    if (!listing.ok) {
      unreachable.push(...inFolder.map((e) => ({ ...e, reason: 'folder gone' as const })));
      continue;
    }
    const files = listing.entries.filter((e) => e.filetype === 'file').map((e) => e.file);
    for (const entry of inFolder) {
      if (!files.some((f) => sameStoredFile(entry.file, f)))
        unreachable.push({ ...entry, reason: 'file not listed' });
    }
  }
  return {
    member: member.name,
    libraryCount,
    unreachable,
    roots: [...rootChecks.values()],
    foldersListed: byFolder.size,
    unchecked,
    outsideRoots,
  };
}
