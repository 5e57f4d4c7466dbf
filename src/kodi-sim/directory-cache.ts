/**
 * Kodi's stale directory cache (research/real-kodi.md §4, §15): once the scanner has listed a source root,
 * a Scan of a folder that was NOT in that listing logs "does not exist - skipping scan" and adds nothing.
 * The cached listing never expires and a failing Scan does not refresh it. What does refresh it:
 * - Files.GetDirectory of the root itself (the parent listing) — works for movies and for new TV shows;
 * - for movies only, Files.GetDirectory of the new folder or Files.GetFileDetails of a file in it.
 * A fresh Kodi (nothing cached) scans new folders fine.
 */
import { listDirectory } from './disk.js';

export class DirectoryCache {
  /** Source root → names of its sub-folders as the scanner last listed them. */
  private readonly listings = new Map<string, Set<string>>();

  constructor(
    private readonly moviesRoot: string,
    private readonly tvRoot: string,
  ) {}

  /** The scanner listed a root (root scan or Scan {}): the cache holds this listing from now on. */
  async scannerListed(root: string): Promise<void> {
    this.listings.set(root, await this.currentNames(root));
  }

  /** Files.GetDirectory / Files.GetFileDetails on `path` (a folder ending in '/' or a file). */
  async filesApiTouched(path: string): Promise<void> {
    for (const root of [this.moviesRoot, this.tvRoot]) {
      const listing = this.listings.get(root);
      if (!listing || !path.startsWith(root)) continue;
      if (path === root) {
        this.listings.set(root, await this.currentNames(root));
      } else if (root === this.moviesRoot) {
        const child = path.slice(root.length).split('/')[0];
        if (child) listing.add(child);
      }
    }
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
