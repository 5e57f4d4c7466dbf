/**
 * Kodi's stale directory cache (research/real-kodi.md §4, §15): once the scanner has listed a source root,
 * a Scan of a folder that was NOT in that listing logs "does not exist - skipping scan" and adds nothing.
 * The cached listing never expires and a failing Scan does not refresh it. Only Files.GetDirectory of the root
 * itself (the parent listing) refreshes it, for movies and TV shows alike: listing the new folder itself or
 * Files.GetFileDetails of a file in it does not (real-kodi.md §16; contract suite — §4's rows 4 and 5 did not
 * hold on later runs). A fresh Kodi (nothing cached) scans new folders fine.
 *
 * It also holds each item folder's file names as last listed (by the scanner, Files.GetDirectory of the folder
 * or Files.GetFileDetails of a file in it): a refresh takes local art from that listing, so an art file written
 * after it stays invisible until the folder is listed again (measured on Kodi 20.1 with a poster written after
 * the scan; refresh itself: research/real-kodi.md §7). The files' content (the NFO) is read fresh.
 */
import { basename, dirname } from 'node:path';
import { listDirectory, type DirEntry } from './disk.js';

export class DirectoryCache {
  /** Source root → names of its sub-folders as the scanner last listed them. */
  private readonly listings = new Map<string, Set<string>>();
  /** Folder ('/'-terminated) → names of its plain files as last listed. */
  private readonly folderFiles = new Map<string, Set<string>>();

  constructor(
    private readonly moviesRoot: string,
    private readonly tvRoot: string,
  ) {}

  /** The scanner listed a root (root scan or Scan {}): the cache holds this listing from now on. */
  async scannerListed(root: string): Promise<void> {
    this.listings.set(root, await this.currentNames(root));
  }

  /** Someone listed `folder` ('/'-terminated) and saw `entries`: the scanner, or a Files.* call. */
  folderListed(folder: string, entries: DirEntry[]): void {
    this.folderFiles.set(folder, new Set(entries.filter((entry) => !entry.directory).map((e) => e.name)));
  }

  /**
   * The names a refresh looks for local art among: the folder's last listing when the stale cache is on and
   * the folder was listed; otherwise the folder is listed now (and that listing is cached).
   */
  async artNames(folder: string, stale: boolean): Promise<Set<string>> {
    const cached = stale ? this.folderFiles.get(folder) : undefined;
    if (cached) return cached;
    this.folderListed(folder, (await listDirectory(folder)) ?? []);
    return this.folderFiles.get(folder) ?? new Set();
  }

  /** Files.GetDirectory / Files.GetFileDetails on `path` (a folder ending in '/' or a file). */
  async filesApiTouched(path: string): Promise<void> {
    // GetFileDetails finds the file by listing its folder (kodi-facts-14 A.6): that folder's names are fresh.
    const folder = path.endsWith('/') ? path : `${dirname(path)}/`;
    const entries = await listDirectory(folder);
    if (entries) this.folderListed(folder, entries);
    else this.folderFiles.delete(folder);
    for (const root of [this.moviesRoot, this.tvRoot]) {
      if (path === root && this.listings.has(root)) this.listings.set(root, await this.currentNames(root));
    }
  }

  /** True when the folder's last listing held this file (whether or not it is still on disk). */
  listedFile(file: string): boolean {
    return this.folderFiles.get(`${dirname(file)}/`)?.has(basename(file)) ?? false;
  }

  /** False when the cached root listing hides the top folder of `directory` (a strict sub-folder of `root`). */
  wouldSeeFolder(root: string, directory: string): boolean {
    const listing = this.listings.get(root);
    if (!listing) return true;
    const child = directory.slice(root.length).split('/')[0] ?? '';
    return listing.has(child);
  }

  private async currentNames(root: string): Promise<Set<string>> {
    const entries = (await listDirectory(root)) ?? [];
    return new Set(entries.filter((entry) => entry.directory).map((entry) => entry.name));
  }
}
