/**
 * One table of the simulated video database (movies or episodes) with the indexes Kodi's SQL database has: by
 * file, and by folder for `path is` filters (compared the way SQL LIKE compares a value without wildcards:
 * ASCII case-insensitive). Keeps the simulator's lookups O(1) in a 20,000-item library, as Kodi's are (~5 ms,
 * research/real-kodi.md §14). Ids follow SQLite's rowid rule: max + 1.
 */

/** SQLite's LIKE lower-cases ASCII letters only (`Ü` and `ü` stay different). */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (char) => char.toLowerCase());
}

interface Indexed {
  file: string;
  /** Folder of the file with a trailing '/'. */
  path: string;
}

function addTo(index: Map<string, Set<number>>, key: string, id: number): void {
  let ids = index.get(key);
  if (!ids) {
    ids = new Set();
    index.set(key, ids);
  }
  ids.add(id);
}

function removeFrom(index: Map<string, Set<number>>, key: string, id: number): void {
  const ids = index.get(key);
  ids?.delete(id);
  if (ids?.size === 0) index.delete(key);
}

export class ItemTable<T extends Indexed> {
  private readonly rows = new Map<number, T>();
  private readonly byFile = new Map<string, Set<number>>();
  private readonly byFolder = new Map<string, Set<number>>();
  private maxId = 0;

  get size(): number {
    return this.rows.size;
  }

  get(id: number): T | undefined {
    return this.rows.get(id);
  }

  has(id: number): boolean {
    return this.rows.has(id);
  }

  /** In insertion order, like the Map this replaces. */
  values(): IterableIterator<T> {
    return this.rows.values();
  }

  nextId(): number {
    return this.maxId + 1;
  }

  insert(id: number, row: T): void {
    this.delete(id);
    this.rows.set(id, row);
    addTo(this.byFile, row.file, id);
    addTo(this.byFolder, asciiLower(row.path), id);
    if (id > this.maxId) this.maxId = id;
  }

  delete(id: number): boolean {
    const row = this.rows.get(id);
    if (!row) return false;
    this.rows.delete(id);
    removeFrom(this.byFile, row.file, id);
    removeFrom(this.byFolder, asciiLower(row.path), id);
    if (id === this.maxId) {
      this.maxId = 0;
      for (const key of this.rows.keys()) if (key > this.maxId) this.maxId = key;
    }
    return true;
  }

  /** Rows of exactly this file (several for a multi-episode file), in insertion order. */
  withFile(file: string): T[] {
    return this.pick(this.byFile.get(file));
  }

  /** Rows whose folder equals `folder` ignoring ASCII case: the candidates of `path is <folder>`. */
  inFolder(folder: string): T[] {
    return this.pick(this.byFolder.get(asciiLower(folder)));
  }

  private pick(ids: Set<number> | undefined): T[] {
    // A Set keeps insertion order, and rows enter and leave it together with the table: same order as a full scan.
    return ids ? [...ids].map((id) => this.rows.get(id)).filter((row): row is T => row !== undefined) : [];
  }
}
